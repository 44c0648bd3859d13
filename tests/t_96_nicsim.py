# SPDX-License-Identifier: GPL-2.0
"""tests/nicsim, the test-only NIC with a DMA-capable parent and rx queue
management operations: the module itself, devmem bind-rx and io_uring
zero-copy rx on its queues, and the same through a lease to netkit2 (and
upstream netkit, whose answers netkit2's must equal) where the kernel
leases queues to modules. Skips where nicsim is not built (kernels
without queue management operations) or the kernel lacks the feature."""

import json
import os
import re
import time

import genl
import nicsim
import lease
import zc
from harness import test, sh, Skip, Fail, dmesg_lines, wait_until
from lease import (bind_rx, create, ename, ifindex, kinds, kname, new_pair,
                        new_single, queue_get, rx_queues, same_as_upstream, set_channels)

NETDEV_A_QUEUE_DMABUF = lease.NETDEV_A_QUEUE_DMABUF
NETDEV_A_QUEUE_IO_URING = lease.NETDEV_A_QUEUE_IO_URING


def need_nicsim():
    why = nicsim.unavailable()
    if why:
        raise Skip(why)
    f = lease.netdev_family()
    if f is None:
        raise Fail('no netdev generic netlink family')
    return f[0]


def need_udmabuf():
    if not os.path.exists('/dev/udmabuf'):
        sh('modprobe udmabuf')
    if not os.path.exists('/dev/udmabuf'):
        raise Skip('no /dev/udmabuf')


def need_zcrx():
    why = zc.zcrx_missing()
    if why:
        raise Skip(why)


def queue_attrs(fid, dev, q):
    r = queue_get(fid, dev, q)
    if r.errno:
        raise Fail('queue-get %s rx %d: %s %s' % (dev, q, r.ename, r.msg))
    return genl.reply_attrs(r)


def providers(fid, dev, nq):
    """{queue: 'dmabuf' | 'io_uring'} for DEV's rx queues 0..NQ-1 with a
    memory provider, as queue-get reports them."""
    out = {}
    for q in range(nq):
        a = queue_attrs(fid, dev, q)
        if NETDEV_A_QUEUE_DMABUF in a:
            out[q] = 'dmabuf'
        elif NETDEV_A_QUEUE_IO_URING in a:
            out[q] = 'io_uring'
    return out


def wait_providers(fid, dev, nq, want):
    """providers() once it equals WANT (io_uring tears down its queue
    after the ring is closed, in task work), or the last reading."""
    got = []
    wait_until(lambda: got.append(providers(fid, dev, nq)) or got[-1] == want, 10, 0.2)
    return got[-1]


@test('nicsim: module loads its devices on a DMA-capable parent, channels and header split set')
def t_load(t):
    need_nicsim()
    if nicsim.loaded():
        nicsim.rmmod()
    for params, what in ((('devices=0',), 'devices=0'), (('devices=9',), 'devices=9'),
                         (('queues=0',), 'queues=0'), (('queues=17',), 'queues=17')):
        before = len(dmesg_lines())
        p = nicsim.insmod(*params)
        # kmod words EINVAL from the module's init as 'Invalid parameters'.
        t.check(p.returncode != 0 and 'Invalid' in p.stderr,
                'insmod %s refused with EINVAL' % what, p.stderr.strip())
        t.check(any('out of range' in ln for ln in dmesg_lines()[before:]),
                'insmod %s: the kernel log says what is out of range' % what)
        t.eq(nicsim.loaded(), False, 'insmod %s leaves no module' % what)
    p = nicsim.insmod('devices=2', 'queues=6')
    t.require(p.returncode == 0, 'insmod devices=2 queues=6', p.stderr.strip())
    try:
        names = [nicsim.dev_name(i) for i in (0, 1)]
        t.require(None not in names, 'a net device under nicsim.0 and nicsim.1', names)
        for i, name in enumerate(names):
            pdev = '%s/nicsim.%d' % (nicsim.PLATFORM, i)
            t.eq(os.path.realpath('/sys/class/net/%s/device' % name), os.path.realpath(pdev),
                 '%s: parent is platform device nicsim.%d' % (name, i))
            t.eq(rx_queues(name), 6, '%s: 6 rx queues' % name)
            info = sh('ethtool -i %s' % name).stdout
            t.check('driver: nicsim' in info and 'bus-info: nicsim.%d' % i in info,
                    '%s: ethtool -i names the driver and parent' % name, info)
        dev = names[0]
        sh('ip link set %s up' % dev, check=True)
        out = []
        for n in (2, 6, 7, 0, 1, 3):
            rc, msg = set_channels(dev, n)
            out.append((n, rc, rx_queues(dev)))
        t.eq(out, [(2, 0, 2), (6, 0, 6), (7, 1, 6), (0, 1, 6), (1, 0, 1), (3, 0, 3)],
             'ethtool -L combined N: within 1..6 applied, beyond refused and unchanged')
        ch = sh('ethtool -l %s' % dev).stdout
        comb = re.findall(r'Combined:\s+(\S+)', ch)
        t.eq(comb, ['6', '3'], 'ethtool -l: combined maximum 6, current 3')
        t.eq(nicsim.tcp_data_split(dev), None, 'header split unset at first')
        for on, want in ((True, 'on'), (False, 'off'), (True, 'on')):
            t.eq(nicsim.set_tcp_data_split(dev, on), ('OK', None),
                 'set tcp-data-split %s' % want)
            t.eq(nicsim.tcp_data_split(dev), want, 'tcp-data-split reads back %s' % want)
        # Traffic out is counted and freed.
        sh('ip addr add 192.0.2.1/24 dev %s' % dev, check=True)
        sh('ping -c 3 -i 0.2 -W 1 192.0.2.2')
        st = json.loads(sh('ip -j -s link show dev %s' % dev, check=True).stdout)[0]
        t.check(st['stats64']['tx']['packets'] > 0, 'frames sent are counted',
                st['stats64']['tx'])
        sh('ip link set %s down' % dev, check=True)
    finally:
        p = nicsim.rmmod()
    t.check(p.returncode == 0, 'rmmod nicsim', p.stderr.strip())
    t.eq([d for d in os.listdir(nicsim.PLATFORM) if d.startswith('nicsim.')], [],
         'platform devices gone with the module')
    t.eq(any(os.path.exists('/sys/class/net/%s' % n) for n in names if n), False,
         'net devices gone with the module')


@test('nicsim: devmem bind-rx on a queue succeeds, shows in queue-get and ends with its socket')
def t_devmem_bind_rx(t):
    fid = need_nicsim()
    need_udmabuf()
    with nicsim.Nicsim(4) as ns:
        fd = zc.udmabuf()
        try:
            steps = []
            t.eq(nicsim.set_tcp_data_split(ns.name, True), ('OK', None), 'tcp-data-split on')
            with genl.Genl() as g:
                steps.append(('bind queue 1', bind_rx(g, fid, ns.name, 1, fd),
                              providers(fid, ns.name, 4)))
                steps.append(('queue 1 again', bind_rx(g, fid, ns.name, 1, fd)[0],
                              providers(fid, ns.name, 4)))
                steps.append(('queue 4', bind_rx(g, fid, ns.name, 4, fd),
                              providers(fid, ns.name, 4)))
                # The binding lives on the queue, not on the pools: down and
                # up again, the queue gets new pools from the same binding.
                sh('ip link set %s down' % ns.name, check=True)
                sh('ip link set %s up' % ns.name, check=True)
                steps.append(('down and up', providers(fid, ns.name, 4)))
                # A queue with a provider cannot go with a channel resize
                # (where the kernel checks it) and stays.
                rc, _ = set_channels(ns.name, 1)
                steps.append(('resize below it', rx_queues(ns.name), providers(fid, ns.name, 4)))
                if rc == 0:
                    set_channels(ns.name, 4)
            steps.append(('socket closed', providers(fid, ns.name, 4)))
            with genl.Genl() as g:
                steps.append(('bind queue 1 and 3 after',
                              bind_rx(g, fid, ns.name, 1, fd)[0],
                              bind_rx(g, fid, ns.name, 3, fd)[0],
                              providers(fid, ns.name, 4)))
            steps.append(('second socket closed', providers(fid, ns.name, 4)))
        finally:
            os.close(fd)
        t.note(repr(steps))
        t.eq(steps[0], ('bind queue 1', ('OK', None), {1: 'dmabuf'}),
             'bind-rx to queue 1 succeeds, queue-get shows the dma-buf on it')
        t.eq(steps[1], ('queue 1 again', 'EEXIST', {1: 'dmabuf'}),
             'a second binding of queue 1 is refused')
        # 6.12 says ERANGE with a message, 7.x EINVAL from the policy.
        t.check(steps[2][1] in (('ERANGE', 'rx queue index out of range'), ('EINVAL', None))
                and steps[2][2] == {1: 'dmabuf'},
                'a queue beyond the real ones is refused, nothing changes', steps[2])
        t.eq(steps[3], ('down and up', {1: 'dmabuf'}), 'binding kept over down and up')
        t.eq(steps[4][2], {1: 'dmabuf'}, 'binding kept over a resize attempt')
        t.eq(steps[5], ('socket closed', {}), 'closing the socket unbinds the queue')
        t.eq(steps[6], ('bind queue 1 and 3 after', 'OK', 'OK', {1: 'dmabuf', 3: 'dmabuf'}),
             'the restored queue binds again, with another')
        t.eq(steps[7], ('second socket closed', {}), 'both unbound with their socket')
    t.eq(nicsim.loaded(), False, 'rmmod nicsim after the bindings')


@test('nicsim: devmem bind-rx refused without header split where the kernel wants it')
def t_devmem_needs_header_split(t):
    fid = need_nicsim()
    need_udmabuf()
    with nicsim.Nicsim(2) as ns:
        fd = zc.udmabuf()
        try:
            with genl.Genl() as g:
                off = bind_rx(g, fid, ns.name, 1, fd)
                left = providers(fid, ns.name, 2)
            t.eq(nicsim.set_tcp_data_split(ns.name, False), ('OK', None), 'tcp-data-split off')
            with genl.Genl() as g:
                off2 = bind_rx(g, fid, ns.name, 1, fd)
                left2 = providers(fid, ns.name, 2)
        finally:
            os.close(fd)
    if off[0] == 'OK':
        # 6.12: the core does not look at header split.
        t.eq(left, {1: 'dmabuf'}, 'bound without header split where the core allows it')
        t.eq(off2[0], 'OK', 'bound with header split off where the core allows it')
        t.note('kernel binds without header split')
        return
    t.eq(off, ('EINVAL', 'tcp-data-split is disabled'), 'refused with header split unset')
    t.eq(off2, ('EINVAL', 'tcp-data-split is disabled'), 'refused with header split off')
    t.eq((left, left2), ({}, {}), 'no binding left after the refusals')


@test('nicsim: io_uring zero-copy rx registers on a queue and ends with its ring')
def t_io_uring_zc(t):
    fid = need_nicsim()
    need_zcrx()
    with nicsim.Nicsim(4) as ns:
        out = []
        ring = zc.io_uring_ring()
        try:
            out.append(('no header split', zc.zcrx_register(ring, ifindex(ns.name), 1),
                        providers(fid, ns.name, 4)))
        finally:
            os.close(ring)
        t.eq(nicsim.set_tcp_data_split(ns.name, True), ('OK', None), 'tcp-data-split on')
        ring = zc.io_uring_ring()
        try:
            out.append(('queue 2', zc.zcrx_register(ring, ifindex(ns.name), 2),
                        providers(fid, ns.name, 4)))
            ring2 = zc.io_uring_ring()
            try:
                out.append(('queue 2 again', zc.zcrx_register(ring2, ifindex(ns.name), 2)))
                out.append(('queue 4', zc.zcrx_register(ring2, ifindex(ns.name), 4)))
            finally:
                os.close(ring2)
            sh('ip link set %s down' % ns.name, check=True)
            sh('ip link set %s up' % ns.name, check=True)
            out.append(('down and up', providers(fid, ns.name, 4)))
        finally:
            os.close(ring)
        out.append(('ring closed', wait_providers(fid, ns.name, 4, {})))
    t.note(repr(out))
    t.eq(out[0], ('no header split', 'EINVAL', {}), 'refused without header split')
    t.eq(out[1], ('queue 2', 'OK', {2: 'io_uring'}),
         'registration on queue 2 succeeds, queue-get shows it')
    t.eq(out[2:4], [('queue 2 again', 'EEXIST'), ('queue 4', 'ERANGE')],
         'a taken queue and one beyond the real ones are refused')
    t.eq(out[4], ('down and up', {2: 'io_uring'}), 'registration kept over down and up')
    t.eq(out[5], ('ring closed', {}), 'closing the ring frees the queue')
    t.eq(nicsim.loaded(), False, 'rmmod nicsim after the registration')


@test('nicsim: devmem bind-rx and io_uring zero-copy rx through a lease succeed as with upstream netkit')
def t_through_lease(t):
    fid = need_nicsim()
    if not lease.can_lease(t):
        raise Skip('kernel cannot lease queues to modules (no queue-create or no exports)')
    need_udmabuf()
    try:
        need_zcrx()
        zcrx = True
    except Skip as e:
        zcrx = False
        t.note('io_uring part skipped: %s' % e)
    got = {}
    for kind in kinds(t):
        single, prim, peer = kname('nkn0', kind), kname('nkn1', kind), kname('nkn1p', kind)
        devs = (('single device', single, 2), ('peer', peer, 3))
        out = []
        with nicsim.Nicsim(4) as ns:
            t.eq(nicsim.set_tcp_data_split(ns.name, True), ('OK', None),
                 '%s: tcp-data-split on' % kind)
            new_single(t, single, kind=kind)
            new_pair(t, prim, peer, kind=kind)
            for _, dev, q in devs:
                t.eq(ename(create(fid, dev, ns.name, q)), 'OK',
                     '%s: lease nicsim queue %d to %s' % (kind, q, dev))
            for d in (single, prim, peer):
                sh('ip link set %s up' % d, check=True)
            fd = zc.udmabuf()
            try:
                for what, dev, _ in devs:
                    with genl.Genl() as g:
                        out.append(('devmem, ' + what, bind_rx(g, fid, dev, 1, fd),
                                    providers(fid, ns.name, 4)))
                    out.append(('devmem, %s: socket closed' % what, providers(fid, ns.name, 4)))
            finally:
                os.close(fd)
            for what, dev, _ in devs if zcrx else ():
                ring = zc.io_uring_ring()
                try:
                    out.append(('io_uring, ' + what, zc.zcrx_register(ring, ifindex(dev), 1),
                                providers(fid, ns.name, 4)))
                finally:
                    os.close(ring)
                out.append(('io_uring, %s: ring closed' % what,
                            wait_providers(fid, ns.name, 4, {})))
            # The physical device goes: the devices leasing from it with it.
            t0 = time.time()
            ns.remove()
            out.append(('nicsim removed', time.time() - t0 < 20, ifindex(single),
                        ifindex(prim), ifindex(peer)))
        got[kind] = out
        t.note('%s: %s' % (kind, out))
        want = []
        for what, _, q in devs:
            want += [('devmem, ' + what, ('OK', None), {q: 'dmabuf'}),
                     ('devmem, %s: socket closed' % what, {})]
        for what, _, q in devs if zcrx else ():
            want += [('io_uring, ' + what, 'OK', {q: 'io_uring'}),
                     ('io_uring, %s: ring closed' % what, {})]
        want.append(('nicsim removed', True, None, None, None))
        t.eq(out, want, '%s: zero-copy set-ups on the leased queues land on the nicsim '
             'queues and end cleanly; the leasing devices go with nicsim' % kind)
    same_as_upstream(t, got, 'zero-copy rx through a lease')
