# SPDX-License-Identifier: GPL-2.0
"""Rx queue leasing: the netdev family's queue-create to netkit2 devices.

What is expected depends on what the running kernel has, found out at run
time: no queue-create at all (6.x), queue-create without the lease teardown
exported to modules (stock 7.x: netkit2 refuses with a message), or both
(7.x with patches/: netkit2 leases). The physical device is netdevsim where
it loads and has queue management operations, else tests/nicsim (Phys());
tests that need one skip where neither can be loaded.
"""


import os
import time

import genl
import nl
import zc
from genl import NETDEV_CMD_QUEUE_CREATE, QUEUE_TYPE_TX
from harness import test, sh, Skip, kind_links, wait_until
from lease import (kernel_exports, netdev_family, has_queue_create, can_lease, MSG, ename,
                   ns_arg, ifindex, rx_queues, Phys, create, queue_get, phys_lease, new_single,
                   new_pair, kinds, kname, same_as_upstream, need_lease, ynl_cli, set_channels,
                   wait_unleased, has_xsk, need_xsk, XSK_BUSY, xsk_busy, bind_rx, has_dmabuf,
                   NETDEV_A_QUEUE_IO_URING)


@test('lease: queue-create reaches netkit2 where the kernel has it')
def t_queue_create(t):
    f = netdev_family()
    new_single(t, 'nkl0')
    if f is None or NETDEV_CMD_QUEUE_CREATE not in f[1]:
        # 6.x: no queue-create; a request is refused by the family itself.
        if f is not None:
            r = create(f[0], 'nkl0', 'lo', 0)
            t.eq(ename(r), 'EOPNOTSUPP', 'queue-create without the operation')
        t.eq(rx_queues('nkl0'), 1, 'rx queues of nkl0 after the request')
        t.note('kernel has no queue-create (netdev family %s)' %
               ('absent' if f is None else 'without it'))
        return
    # The core asks the device first: a netkit2 device implements the
    # operation, so the request gets as far as the lease device.
    r = create(f[0], 'nkl0', 'lo', 0)
    t.eq((ename(r), r.msg), ('EINVAL', 'Lease device is a virtual device'),
         'queue-create leasing from lo')
    t.eq(rx_queues('nkl0'), 1, 'rx queues of nkl0 after the request')


@test('lease: without the exported lease teardown queue-create is refused with a message',
      needs=('module',))
def t_refused_without_teardown(t):
    if not has_queue_create():
        raise Skip('kernel has no queue-create')
    if kernel_exports('netdev_rx_queue_unlease'):
        raise Skip('kernel exports the lease teardown (leasing tests apply)')
    f = netdev_family()
    with Phys() as ns:
        new_single(t, 'nkl1')
        r = create(f[0], 'nkl1', ns.name, 1)
        t.eq(ename(r), 'EOPNOTSUPP', 'queue-create errno')
        t.check(r.msg and 'netdev_rx_queue_unlease' in r.msg and 'patches/' in r.msg,
                'extack names the missing export and patches/', r.msg)
        t.eq(rx_queues('nkl1'), 1, 'no rx queue added to nkl1')
        t.eq(phys_lease(f[0], ns.name, 1), None,
             'physical queue 1 not leased')
        with nl.NL() as n:
            t.eq(n.dellink('nkl1').errno, 0, 'delete nkl1')


@test('lease: single device and pair peer lease queues, ids from 1, queue-get both ways')
def t_lease_ids(t):
    fid = need_lease(t)
    p = t.ns('lease')
    with Phys(8) as ns:
        new_single(t, 'nkl2', numrx=3)
        for want, q in ((1, 2), (2, 3)):
            r = create(fid, 'nkl2', ns.name, q)
            t.eq(ename(r), 'OK', 'lease nsim queue %d to nkl2' % q)
            t.eq(genl.u32_of(genl.reply_attrs(r)[genl.NETDEV_A_QUEUE_ID]), want,
                 'queue id for nsim queue %d' % q)
        t.eq(rx_queues('nkl2'), 3, 'nkl2 has 3 rx queues')
        sh('ip link set nkl2 up', check=True)
        for q, en in ((1, 'OK'), (2, 'OK'), (3, 'EINVAL')):
            t.eq(queue_get(fid, 'nkl2', q).ename, en, 'queue-get nkl2 rx %d' % q)
        for q, want in ((2, 1), (3, 2)):
            got = phys_lease(fid, ns.name, q)
            t.eq(got, {'ifindex': ifindex('nkl2'), 'queue': want, 'netns_id': None},
                 'nsim queue %d leased to nkl2 queue %d' % (q, want))
        t.eq(phys_lease(fid, ns.name, 1), None, 'nsim queue 1 not leased')

        new_pair(t, 'nkl3', 'nkl3p')
        r = create(fid, 'nkl3p', ns.name, 4)
        t.eq(ename(r), 'OK', 'lease nsim queue 4 to the peer nkl3p')
        sh('ip link set nkl3p netns %s' % p, check=True)
        sh('ip -n %s link set nkl3p up' % p, check=True)
        t.eq(queue_get(fid, 'nkl3p', 1, ns=p).ename, 'OK',
             'queue-get nkl3p rx 1 in its netns after the move')
        got = phys_lease(fid, ns.name, 4)
        t.check(got and got['netns_id'] is not None and got['queue'] == 1 and
                got['ifindex'] == ifindex('nkl3p', p),
                'nsim queue 4 leased to nkl3p queue 1 in another netns', got)
        with nl.NL() as n:
            n.dellink('nkl2')
            n.dellink('nkl3')
        for q in (3, 4):
            t.eq(phys_lease(fid, ns.name, q), None,
                 'nsim queue %d free after the netkit2 devices are gone' % q)


@test('lease: rejected queue-create requests change nothing')
def t_rejected_change_nothing(t):
    fid = need_lease(t)
    with Phys(4) as ns:
        new_single(t, 'nkl4', numrx=2)
        new_pair(t, 'nkl5', 'nkl5p')
        t.eq(ename(create(fid, 'nkl4', ns.name, 1)), 'OK', 'first lease')
        cases = [
            ('double lease', ('nkl4', ns.name, 1, {}), 'EBUSY',
             'Device queue in use due to queue leasing'),
            ('out-of-range queue', ('nkl5p', ns.name, 4, {}), 'ERANGE', None),
            ('lease from a virtual device', ('nkl5p', 'nkl4', 0, {}), 'EINVAL',
             'Lease device is a virtual device'),
            ('primary of a pair', ('nkl5', ns.name, 2, {}), 'EOPNOTSUPP',
             MSG[t.kind]['primary']),
            ('numrxqueues limit', ('nkl4', ns.name, 2, {}), 'EINVAL',
             MSG[t.kind]['limit']),
            ('tx queue type', ('nkl5p', ns.name, 2, {'qtype': QUEUE_TYPE_TX}), 'EINVAL', None),
        ]
        for what, (dev, lease, q, kw), en, msg in cases:
            r = create(fid, dev, lease, q, **kw)
            t.eq(ename(r), en, '%s: errno' % what)
            if msg is not None:
                t.eq(r.msg, msg, '%s: extack' % what)
        t.eq((rx_queues('nkl4'), rx_queues('nkl5'), rx_queues('nkl5p')), (2, 1, 1),
             'rx queues after the rejections')
        for q in (2, 3):
            t.eq(phys_lease(fid, ns.name, q), None,
                 'nsim queue %d not leased' % q)


@test('lease: removing the physical device deletes the netkit2 devices leasing from it')
def t_phys_removed(t):
    fid = need_lease(t)
    p = t.ns('lphys')
    ns = Phys(4).__enter__()
    try:
        new_single(t, 'nkl6')
        new_pair(t, 'nkl7', 'nkl7p')
        new_single(t, 'nkl8')
        t.eq(ename(create(fid, 'nkl6', ns.name, 1)), 'OK', 'lease to nkl6')
        t.eq(ename(create(fid, 'nkl6', ns.name, 2)), 'OK', 'second lease to nkl6')
        t.eq(ename(create(fid, 'nkl7p', ns.name, 3)), 'OK', 'lease to nkl7p')
        sh('ip link set nkl7p netns %s' % p, check=True)
        t0 = time.time()
        ns.remove()
        t.check(time.time() - t0 < 20, 'physical device removal does not hang')
    finally:
        ns.__exit__()
    t.eq(ifindex('nkl6'), None, 'nkl6 deleted with the physical device')
    t.eq(ifindex('nkl7'), None, 'primary nkl7 deleted with its peer')
    t.eq(ifindex('nkl7p', p), None, 'peer nkl7p deleted in its netns')
    t.check(ifindex('nkl8') is not None, 'nkl8 (no lease) still there')
    t.eq(sorted(x['ifname'] for x in kind_links(None, (t.kind,))), ['nkl8'],
         '%s devices left' % t.kind)


@test('lease: deleting the netns of a leasing peer ends its lease')
def t_netns_deleted(t):
    fid = need_lease(t)
    p = t.ns('lnetns')
    with Phys(2) as ns:
        new_pair(t, 'nkl9', 'nkl9p')
        t.eq(ename(create(fid, 'nkl9p', ns.name, 1)), 'OK', 'lease to nkl9p')
        sh('ip link set nkl9p netns %s' % p, check=True)
        sh('ip netns del %s' % p, check=True)
        wait_until(lambda: phys_lease(fid, ns.name, 1) is None, 10)
        t.eq(phys_lease(fid, ns.name, 1), None,
             'nsim queue 1 free after the netns is gone')
        t.eq(ifindex('nkl9'), None, 'primary deleted with the peer')


@test('lease: the kernel\'s ynl CLI gets the same answer from queue-create')
def t_ynl_cli(t):
    if not has_queue_create():
        raise Skip('kernel has no queue-create')
    ynl = ynl_cli()
    with Phys(2) as ns:
        new_single(t, 'nkl10')
        req = ('{"ifindex": %d, "type": "rx", "lease": {"ifindex": %d, '
               '"queue": {"type": "rx", "id": 1}}}' % (ifindex('nkl10'), ifindex(ns.name)))
        p = sh("%s --do queue-create --json '%s'" % (ynl, req))
        if can_lease(t):
            t.eq(p.returncode, 0, 'ynl queue-create exit status')
            t.eq(p.stdout.strip(), '{"id": 1}', 'ynl queue-create reply')
            p = sh("%s --do queue-get --json '{\"ifindex\": %d, \"type\": \"rx\", \"id\": 1}'" %
                   (ynl, ifindex(ns.name)))
            t.check('"lease"' in p.stdout and '"ifindex": %d' % ifindex('nkl10') in p.stdout,
                    'ynl queue-get of the physical queue shows the lease', p.stdout + p.stderr)
        else:
            t.eq(p.returncode, 1, 'ynl queue-create exit status')
            t.check('netdev_rx_queue_unlease' in p.stdout + p.stderr,
                    'ynl prints the refusal message', p.stdout + p.stderr)
            t.eq(rx_queues('nkl10'), 1, 'no rx queue added')


@test('lease: channel resize of the physical device keeps a leased queue')
def t_channel_resize(t):
    fid = need_lease(t)
    if not sh('command -v ethtool').stdout.strip():
        raise Skip('no ethtool')
    got = {}
    for kind in kinds(t):
        dev = kname('nkch0', kind)
        with Phys(4) as ns:
            if set_channels(ns.name, 4)[0]:
                raise Skip('netdevsim has no set_channels here')
            new_single(t, dev, kind=kind)
            t.eq(ename(create(fid, dev, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)
            want = {'ifindex': ifindex(dev), 'queue': 1, 'netns_id': None}
            out = []
            for n in (2, 1, 3, 4):
                rc, msg = set_channels(ns.name, n)
                out.append((n, rc != 0, msg if rc else None, rx_queues(ns.name),
                            phys_lease(fid, ns.name, 2) == want))
            sh('ip link set %s up' % dev, check=True)
            t.eq(queue_get(fid, dev, 1).ename, 'OK', '%s: queue-get %s rx 1' % (kind, dev))
            with nl.NL() as n:
                t.eq(n.dellink(dev).errno, 0, '%s: delete %s' % (kind, dev))
            # The lease is gone with the device: nothing holds the queue.
            out.append(('after', set_channels(ns.name, 1)[0], rx_queues(ns.name)))
        got[kind] = out
        busy = 'Device queue in use due to queue leasing'
        t.eq(out[:2], [(2, True, busy, 4, True), (1, True, busy, 4, True)],
             '%s: shrinking below the leased queue refused, lease intact' % kind)
        t.eq(out[2:4], [(3, False, None, 3, True), (4, False, None, 4, True)],
             '%s: shrinking above it and growing work, lease kept' % kind)
        t.eq(out[4], ('after', 0, 1), '%s: shrinking works once the lease ended' % kind)
    same_as_upstream(t, got, 'channel resize')


@test('lease: leases follow a leasing peer and a single device across netns moves')
def t_leases_follow_moves(t):
    fid = need_lease(t)
    got = {}
    for kind in kinds(t):
        a, b = t.ns('lmva' + kind[-1]), t.ns('lmvb' + kind[-1])
        prim, peer, single = kname('nkm0', kind), kname('nkm0p', kind), kname('nkm1', kind)
        out = []
        with Phys(4) as ns:
            new_pair(t, prim, peer, kind=kind)
            new_single(t, single, kind=kind)
            t.eq(ename(create(fid, peer, ns.name, 1)), 'OK', '%s: lease nsim queue 1' % kind)
            t.eq(ename(create(fid, single, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)

            def step(what, dev, q, where):
                sh('ip %slink set %s up' % (ns_arg(where), dev), check=True)
                lease = phys_lease(fid, ns.name, q)
                ok = (lease is not None and lease['queue'] == 1 and
                      lease['ifindex'] == ifindex(dev, where) and
                      (lease['netns_id'] is None) == (where is None))
                t.check(ok, '%s: %s: nsim queue %d leased to %s queue 1 in %s' %
                        (kind, what, q, dev, where or 'the initial netns'), lease)
                qg = queue_get(fid, dev, 1, ns=where).ename
                t.eq(qg, 'OK', '%s: %s: queue-get %s rx 1 in its netns' % (kind, what, dev))
                out.append((what, ok, qg, rx_queues(dev, where)))

            for what, dev, q, frm, to in (('peer to netns a', peer, 1, None, a),
                                          ('peer from a to b', peer, 1, a, b),
                                          ('single to netns a', single, 2, None, a),
                                          ('single back', single, 2, a, None),
                                          ('single to netns b', single, 2, None, b)):
                # netns 1: the one of pid 1, the initial netns.
                r = sh('ip %slink set %s netns %s' % (ns_arg(frm), dev, to or '1'))
                t.eq(r.returncode, 0, '%s: move %s (%s)' % (kind, dev, what))
                step(what, dev, q, to)
            # The netns goes, and with it both leasing devices.
            sh('ip netns del %s' % b, check=True)
            out.append(('netns b deleted', wait_unleased(fid, ns.name, 1),
                        wait_unleased(fid, ns.name, 2), ifindex(prim), ifindex(single)))
        got[kind] = out
        t.eq(out[-1], ('netns b deleted', True, True, None, None),
             '%s: leases ended and devices gone with the netns' % kind)
    same_as_upstream(t, got, 'netns moves')


@test('lease: AF_XDP binds on leased queues are answered as upstream netkit does')
def t_af_xdp_bind(t):
    fid = need_xsk(t)
    got = {}
    for kind in kinds(t):
        single, prim, peer = kname('nkx0', kind), kname('nkx1', kind), kname('nkx1p', kind)
        out = []
        with Phys(4) as ns:
            new_single(t, single, kind=kind)
            new_pair(t, prim, peer, kind=kind)
            t.eq(ename(create(fid, single, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)
            t.eq(ename(create(fid, peer, ns.name, 3)), 'OK', '%s: lease nsim queue 3' % kind)
            for d in (single, prim, peer):
                sh('ip link set %s up' % d, check=True)
            refused = [
                ('zero-copy, leased queue of a single device', single, 1),
                ('zero-copy, queue of a single device not leased', single, 0),
                ('zero-copy, queue beyond the real ones', single, 2),
                ('zero-copy, leased queue of a peer', peer, 1),
                ('zero-copy, primary of a pair', prim, 0),
            ]
            for what, dev, q in refused:
                e, x = zc.xsk_bind(ifindex(dev), q, zc.XDP_ZEROCOPY)
                if x:
                    x.close()
                out.append((what, e, has_xsk(fid, ns.name, 2), has_xsk(fid, ns.name, 3)))
            # Copy mode on a leased queue: the pool sits on the physical
            # queue, which is then busy for another socket and a resize.
            for what, dev, q in (('copy, leased queue of a single device', single, 2),
                                 ('copy, leased queue of a peer', peer, 3)):
                e, x = zc.xsk_bind(ifindex(dev), 1, zc.XDP_COPY)
                try:
                    seen = (has_xsk(fid, ns.name, q), has_xsk(fid, dev, 1))
                    again = None
                    if x:
                        again, x2 = zc.xsk_bind(ifindex(dev), 1, zc.XDP_COPY)
                        if x2:
                            x2.close()
                    resize = set_channels(ns.name, q)
                finally:
                    if x:
                        x.close()
                out.append((what, e, seen, again, resize, has_xsk(fid, ns.name, q),
                            phys_lease(fid, ns.name, q) is not None))
            with nl.NL() as n:
                t.eq((n.dellink(single).errno, n.dellink(prim).errno), (0, 0),
                     '%s: delete the devices' % kind)
            out.append(('after', wait_unleased(fid, ns.name, 2), wait_unleased(fid, ns.name, 3)))
        got[kind] = out
        t.eq([o[1:] for o in out[:5]],
             [('EOPNOTSUPP', False, False), ('EOPNOTSUPP', False, False),
              ('EINVAL', False, False), ('EOPNOTSUPP', False, False),
              ('EOPNOTSUPP', False, False)],
             '%s: zero-copy binds refused, no pool left behind' % kind)
        copy = ('OK', (True, True), 'EBUSY', (1, XSK_BUSY), False, True)
        t.eq(xsk_busy(out[5][1:]), copy,
             '%s: copy-mode bind on the leased queue of a single device' % kind)
        t.eq(xsk_busy(out[6][1:]), copy, '%s: copy-mode bind on the leased queue of a peer' % kind)
        t.eq(out[-1], ('after', True, True), '%s: leases ended with the devices' % kind)
    same_as_upstream(t, got, 'AF_XDP binds')


@test('lease: an AF_XDP socket on a leased queue outlives the lease')
def t_af_xdp_outlives_lease(t):
    fid = need_xsk(t)
    got = {}
    for kind in kinds(t):
        s0, s1 = kname('nkxo0', kind), kname('nkxo1', kind)
        out = []
        ns = Phys(4).__enter__()
        socks = []
        try:
            new_single(t, s0, kind=kind)
            new_single(t, s1, kind=kind)
            t.eq(ename(create(fid, s0, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)
            t.eq(ename(create(fid, s1, ns.name, 3)), 'OK', '%s: lease nsim queue 3' % kind)
            for d in (s0, s1):
                e, x = zc.xsk_bind(ifindex(d), 1, zc.XDP_COPY)
                t.eq(e, 'OK', '%s: copy-mode bind on %s rx 1' % (kind, d))
                if x:
                    socks.append(x)
            # The device goes with the socket still open: its pool must
            # leave the physical queue with the lease.
            with nl.NL() as n:
                t.eq(n.dellink(s0).errno, 0, '%s: delete %s' % (kind, s0))
            # Queue 2 is free again: neither lease nor pool holds it.
            out.append(('device deleted', has_xsk(fid, ns.name, 2),
                        wait_unleased(fid, ns.name, 2), ename(create(fid, s1, ns.name, 2))))
            # The physical device goes with the other socket still open.
            t0 = time.time()
            ns.remove()
            out.append(('physical device removed', time.time() - t0 < 20, ifindex(s1)))
        finally:
            ns.__exit__()
            for x in socks:
                x.close()
        got[kind] = out
        t.eq(out, [('device deleted', False, True, 'OK'),
                   ('physical device removed', True, None)],
             '%s: pools and leases gone with the devices, sockets still open' % kind)
    same_as_upstream(t, got, 'AF_XDP socket outliving the lease')


@test('lease: devmem bind-rx on a leased queue is answered as upstream netkit does')
def t_devmem_bind_rx(t):
    fid = need_lease(t)
    if not os.path.exists('/dev/udmabuf'):
        raise Skip('no /dev/udmabuf')
    got = {}
    for kind in kinds(t):
        single = kname('nkd0', kind)
        out = []
        with Phys(4) as ns:
            new_single(t, single, kind=kind)
            t.eq(ename(create(fid, single, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)
            sh('ip link set %s up' % single, check=True)
            fd = zc.udmabuf()
            try:
                for what, dev, q in (('leased queue of the single device', single, 1),
                                     ('queue of the single device not leased', single, 0),
                                     ('leased queue on the physical side', ns.name, 2),
                                     ('physical queue not leased', ns.name, 1)):
                    with genl.Genl() as g:
                        res = bind_rx(g, fid, dev, q, fd)
                        out.append((what, res, has_dmabuf(fid, ns.name, 2),
                                    has_dmabuf(fid, ns.name, 1)))
                    out.append(('%s: socket closed' % what, has_dmabuf(fid, ns.name, 2),
                                has_dmabuf(fid, ns.name, 1)))
            finally:
                os.close(fd)
            with nl.NL() as n:
                t.eq(n.dellink(single).errno, 0, '%s: delete %s' % (kind, single))
            out.append(('after', wait_unleased(fid, ns.name, 2), has_dmabuf(fid, ns.name, 2)))
        got[kind] = out
        t.note('%s: %s' % (kind, out[0][1]))
        # The core hands the leased queue on to the physical one: the
        # answer is the physical device's own for a queue nobody leases.
        t.eq(out[0][1], out[6][1], '%s: leased queue answers as the physical device' % kind)
        # Where the physical device binds, the core finds no DMA device
        # for a queue it has leased out (it belongs to the leasing side).
        t.eq(out[4][1][0], 'EOPNOTSUPP' if out[6][1][0] == 'OK' else out[6][1][0],
             '%s: the leased queue refused on the physical side' % kind)
        left = [o[0] for o in out[:8] if len(o) == 3 or o[1][0] != 'OK'
                if o[-2] or o[-1]]
        t.eq(left, [], '%s: no binding on the physical queues after a refusal or '
             'once the socket is closed' % kind)
        t.eq(out[-1], ('after', True, False), '%s: lease ended, no binding left' % kind)
    same_as_upstream(t, got, 'devmem bind-rx')


@test('lease: io_uring zero-copy rx on a leased queue is answered as upstream netkit does')
def t_io_uring_zc(t):
    fid = need_lease(t)
    why = zc.zcrx_missing()
    if why:
        raise Skip(why)
    got = {}
    for kind in kinds(t):
        single = kname('nku0', kind)
        out = []
        with Phys(4) as ns:
            new_single(t, single, kind=kind)
            t.eq(ename(create(fid, single, ns.name, 2)), 'OK', '%s: lease nsim queue 2' % kind)
            sh('ip link set %s up' % single, check=True)
            for what, dev, q in (('leased queue of the single device', single, 1),
                                 ('queue of the single device not leased', single, 0),
                                 ('queue beyond the real ones', single, 2),
                                 ('leased queue on the physical side', ns.name, 2),
                                 ('physical queue not leased', ns.name, 1),
                                 ('no such device', None, 0)):
                ring = zc.io_uring_ring()
                try:
                    e = zc.zcrx_register(ring, ifindex(dev) if dev else 0x7ffffff0, q)
                    r = queue_get(fid, ns.name, 2)
                    held = NETDEV_A_QUEUE_IO_URING in genl.reply_attrs(r)
                finally:
                    os.close(ring)
                out.append((what, e, held))
            with nl.NL() as n:
                t.eq(n.dellink(single).errno, 0, '%s: delete %s' % (kind, single))
            out.append(('after', wait_unleased(fid, ns.name, 2)))
        got[kind] = out
        t.note('%s: %s' % (kind, out))
        phys = dict((o[0], o[1:]) for o in out[:6])
        # The request gets as far as the device (ENODEV without one), and
        # the core hands the leased queue on to the physical one: the
        # answer is the physical device's own for a queue nobody leases.
        t.eq(phys['no such device'], ('ENODEV', False), '%s: no such device' % kind)
        t.eq(phys['leased queue of the single device'][0], phys['physical queue not leased'][0],
             '%s: leased queue answers as the physical device' % kind)
        if phys['leased queue of the single device'][0] == 'OK':
            t.eq(phys['leased queue of the single device'][1], True,
                 '%s: the provider registered through the lease sits on the physical queue' %
                 kind)
        t.eq([o[0] for o in out[:6] if o[1] != 'OK' and o[2]], [],
             '%s: no io_uring provider on the physical queue after a refusal' % kind)
        t.eq(out[-1], ('after', True), '%s: lease ended with the device' % kind)
    same_as_upstream(t, got, 'io_uring zero-copy rx')
