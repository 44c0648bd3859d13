# SPDX-License-Identifier: GPL-2.0
"""What must leave the host standing: the largest headroom the core can
honour and none beyond it, a host without IPv6, privileges of users and
user namespaces, notifications of a pair deleted in a batch, and where
netkit2 was checked against upstream netkit (XDP, detach on an empty
list)."""

import errno
import json
import os
import socket
import time

import bpfsys
import genl
import netns
import nl
from harness import test, sh, Skip, Fail, ipv6_on, upstream_netkit_available, wait_until
from kit import HEADROOM_MAX, HEADROOM_MSG, expect_reject, info, move
from nk2ctl import CTL, OBJ, NEEDS, attach, detach, ids, read_lines, need_tools, stats

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, 'lib')
PRIVCHECK = os.path.join(LIB, 'privcheck.py')
EXTHDR = os.path.join(LIB, 'exthdr.py')


def nsx(ns, cmd, check=True, timeout=60):
    return sh('ip netns exec %s %s' % (ns, cmd), check=check, timeout=timeout)


def pair_in_ns(t, mode, v6, mtu=None, **kw):
    """nkh in netns h (10.79.0.1, fd00:79::1), nkp in netns p (.2), up.
    With V6 false the devices take no IPv6 at all."""
    h, p = t.ns('h'), t.ns('p')
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nkh', mode=mode, peer={'name': 'nkp'}, **kw)
        t.require(r.errno == 0, 'create pair', r)
    for ns, dev, a in ((h, 'nkh', 1), (p, 'nkp', 2)):
        move(dev, ns)
        if not v6 and ipv6_on():
            nsx(ns, 'sysctl -qw net.ipv6.conf.%s.disable_ipv6=1' % dev)
        if mtu:
            sh('ip -n %s link set %s mtu %d' % (ns, dev, mtu), check=True)
        sh('ip -n %s addr add 10.79.0.%d/24 dev %s' % (ns, a, dev), check=True)
        if v6:
            sh('ip -n %s addr add fd00:79::%d/64 dev %s' % (ns, a, dev), check=True)
        sh('ip -n %s link set %s up' % (ns, dev), check=True)
    return h, p


def tentative(ns, dev):
    return sh('ip -n %s -6 addr show dev %s tentative' % (ns, dev)).stdout.strip()


def ping(ns, dst, count=2):
    return netns.echo(ns, dst, count) > 0


def tcp_echo(t, srv, cli, dst, port):
    """A TCP connection from CLI to DST (in SRV) carries data both ways."""
    return netns.tcp_echo(srv, cli, dst, port, size=200000)


@test('robust: headroom one past the core\'s limit is refused (a difference from upstream)', NEEDS)
def t_headroom_over(t):
    with nl.NL() as n:
        for what, kw in (('pair', dict(peer={'name': 'nkrb'})), ('single', dict(pairing=nl.SINGLE))):
            r = expect_reject(t, n, '%s headroom %d' % (what, HEADROOM_MAX + 1), errno.ERANGE,
                              HEADROOM_MSG,
                              lambda: n.newlink(t.kind, name='nkra', headroom=HEADROOM_MAX + 1, **kw))
            t.eq(r.attr_path, 'LINKINFO/INFO_DATA/HEADROOM', '%s: the attribute named' % what)
            r = expect_reject(t, n, '%s headroom 65535' % what, errno.ERANGE, HEADROOM_MSG,
                              lambda: n.newlink(t.kind, name='nkra', headroom=65535, **kw))
        if upstream_netkit_available():
            # the deliberate difference: upstream takes it (and faults as
            # soon as the device sends), so it is never brought up here
            r = n.newlink('netkit', name='nkru', headroom=HEADROOM_MAX + 1,
                          peer={'name': 'nkrv'})
            t.eq(r.errno, 0, 'upstream netkit accepts headroom %d' % (HEADROOM_MAX + 1))
            n.dellink('nkru')
        r = n.newlink(t.kind, name='nkra', pairing=nl.SINGLE, headroom=HEADROOM_MAX)
        t.eq(r.errno, 0, 'single device at the limit')
        a = n.getlink('nkra')
        t.eq(info(a).get('HEADROOM'), HEADROOM_MAX, 'single device headroom')
        n.dellink('nkra')


def headroom_case(mode):
    def fn(t):
        v6 = ipv6_on()
        h, p = pair_in_ns(t, mode, v6, mtu=16000, headroom=HEADROOM_MAX, tailroom=65535)
        with nl.NL(h) as n:
            d = info(n.getlink('nkh'))
        t.eq((d.get('HEADROOM'), d.get('TAILROOM')), (HEADROOM_MAX, 65535),
             'headroom at the limit, tailroom 65535')
        if v6:
            # neighbour discovery, DAD (L2), MLD and router solicitations
            # are built with the device's headroom: the packets upstream
            # netkit faults on at 65535
            t.check(wait_until(lambda: not tentative(h, 'nkh') and not tentative(p, 'nkp')),
                    'DAD completed')
        t.check(ping(h, '10.79.0.2'), 'ping IPv4')
        t.check(tcp_echo(t, p, h, '10.79.0.2', 7301), 'TCP over IPv4')
        if not v6:
            return
        t.check(ping(h, 'fd00:79::2'), 'ping IPv6')
        t.check(tcp_echo(t, p, h, 'fd00:79::2', 7302), 'TCP over IPv6')
        # 4 KiB of IPv6 extension headers on top of the largest headroom
        rcv = t.bg('ip netns exec %s python3 -S %s recv fd00:79::2 7303 10' % (p, EXTHDR))
        t.require(rcv.stdout.readline().strip() == 'ready', 'receiver bound')
        nsx(h, 'python3 -S %s send fd00:79::2 7303 3' % EXTHDR)
        out, _ = rcv.communicate(timeout=60)
        t.eq(out.split(), ['100'] * 3, 'UDP with 4 KiB of extension headers received')
    return fn


test('robust: L3 pair at the headroom limit with tailroom 65535 carries IPv4 and IPv6',
     NEEDS)(headroom_case(nl.L3))
test('robust: L2 pair at the headroom limit with tailroom 65535 carries IPv4 and IPv6',
     NEEDS)(headroom_case(nl.L2))


def v4_redirect_topology(t):
    """h: nkh 10.77.0.1 | p: nkp 10.77.0.2, vp (ifindex 120) 10.78.0.1 |
    r: vr 10.78.0.2, IPv4 only; p forwards. The redirect programs of
    tests/bpf/progs.c send to ifindex 120 of the peer's namespace."""
    h, p, r = t.ns('h'), t.ns('p'), t.ns('r')
    with nl.NL(h) as n:
        res = n.newlink(t.kind, name='nkh', ifinfo=nl.IfInfo(index=110),
                        peer={'name': 'nkp', 'index': 111})
        t.require(res.errno == 0, 'create pair', res)
    move('nkp', p, parent=h)
    sh('ip -n %s link add vp index 120 address 02:00:00:00:01:20 type veth peer name vr '
       'address 02:00:00:00:01:21 netns %s' % (p, r), check=True)
    for ns, dev, a in ((h, 'nkh', '10.77.0.1'), (p, 'nkp', '10.77.0.2'),
                       (p, 'vp', '10.78.0.1'), (r, 'vr', '10.78.0.2')):
        sh('ip -n %s addr add %s/24 dev %s' % (ns, a, dev), check=True)
        sh('ip -n %s link set %s up' % (ns, dev), check=True)
    nsx(p, 'sysctl -qw net.ipv4.ip_forward=1')
    for ns in (h, p, r):
        nsx(ns, 'sysctl -qw net.ipv4.conf.all.rp_filter=0')
    sh('ip -n %s route add 10.78.0.0/24 via 10.77.0.2' % h, check=True)
    sh('ip -n %s route add default via 10.78.0.1' % r, check=True)
    sh('ip -n %s neigh add 10.78.0.3 lladdr 02:00:00:00:01:21 dev vp nud permanent' % p,
       check=True)
    return h, p, r


def send_ipv6_frames(ns, dev, count):
    """COUNT Ethernet frames carrying IPv6/UDP to fd00:78::2, sent on DEV
    over AF_PACKET, as root in a pod can."""
    ip6 = bytes.fromhex('60000000000c1140' + 'fd000077' + '00' * 11 + '01' +
                        'fd000078' + '00' * 11 + '02')
    udp = bytes.fromhex('1f401f40000c0000') + b'ping'
    frame = bytes.fromhex('020000000099020000000098' + '86dd') + ip6 + udp
    s = netns.sock(ns, socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
    with s:
        s.bind((dev, 0x86dd))
        for _ in range(count):
            s.send(frame)


@test('robust: IPv6 through bpf_redirect_neigh() on a host without IPv6 is dropped', NEEDS)
def t_noipv6_neigh(t):
    if ipv6_on():
        raise Skip('IPv6 is enabled: runs in the guest booted with ipv6.disable=1')
    h, p, r = v4_redirect_topology(t)
    t.require(ping(h, '10.78.0.2'), 'IPv4 forwarded without programs')
    # route lookup; an IPv6 next hop for IPv6; an IPv6 next hop for IPv4
    for prog, v4_ok in (('nk_neigh', True), ('nk_neigh_nh', True), ('nk_neigh_nh6', False)):
        attach(t, 'nkh', 'primary', prog, ns=h)
        nkh, vp = stats('nkh', h), stats('vp', p)
        send_ipv6_frames(h, 'nkh', 5)
        t.check(wait_until(lambda: stats('vp', p)['tx_dropped'] - vp['tx_dropped'] >= 5, 3),
                '%s: the target counts the IPv6 frames dropped' % prog,
                stats('vp', p)['tx_dropped'] - vp['tx_dropped'])
        # vp may refresh its IPv4 neighbour meanwhile: fewer than the 5
        t.check(stats('vp', p)['tx_packets'] - vp['tx_packets'] < 5,
                '%s: the IPv6 frames did not leave the target' % prog,
                stats('vp', p)['tx_packets'] - vp['tx_packets'])
        t.check(stats('nkh', h)['tx_packets'] - nkh['tx_packets'] >= 5,
                '%s: counted as sent by the netkit2 device' % prog)
        t.eq(ping(h, '10.78.0.2'), v4_ok, '%s: IPv4 redirected' % prog)
        detach(t, 'nkh', 'primary', ns=h)


# ------------------------------------------------------------------ privileges
AS_NOBODY = 'setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all'
AS_USERNS_ROOT = 'unshare --user --map-root-user'
AS_USERNS_NETNS_ROOT = 'unshare --user --map-root-user --net'


def priv(as_, *args, timeout=60):
    p = sh('%s python3 -S %s %s' % (as_, PRIVCHECK, ' '.join(str(a) for a in args)), timeout=timeout)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise Fail('privcheck %s as "%s": %s %s' % (args, as_, p.stdout, p.stderr))


@test('robust: without CAP_NET_ADMIN no request succeeds and nothing is heard', NEEDS)
def t_priv_unprivileged(t):
    need_tools()
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nkra', peer={'name': 'nkrb'})
        t.require(r.errno == 0, 'create pair', r)
        t.dev('nkra')
        idx = n.getlink('nkra')['index']
    attach(t, 'nkra', 'primary', 'nk_pass')
    for who, as_ in (('an unprivileged user', AS_NOBODY),
                     ('root of a user namespace', AS_USERNS_ROOT)):
        got = priv(as_, 'each', 'query:%d' % idx, 'attach:%d' % idx, 'detach:%d' % idx,
                   'join', 'newlink:nkrz')
        for what, r in zip(('query', 'attach', 'detach'), got):
            t.eq(r['errno'], errno.EPERM, '%s: %s refused' % (who, what))
        t.eq(got[3]['errno'], errno.EPERM, '%s: joining the "changes" group refused' % who)
        t.eq(got[4]['errno'], errno.EPERM, '%s: creating a pair refused' % who)
    t.eq(len(ids('nkra', 'primary')), 1, 'nothing changed')
    # the one entitled to QUERY hears the changes
    j = priv('', 'join')
    t.eq(j['errno'], 0, 'root joins the "changes" group')


@test('robust: root of a user namespace manages netkit2 in its own netns only', NEEDS)
def t_priv_userns(t):
    need_tools()
    res = priv(AS_USERNS_NETNS_ROOT, 'newlink', 'nkrz')
    t.check(res['errno'] == 0, 'creates a pair in a netns it owns', res)
    # it listens in its own netns while root changes a pair elsewhere
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nkra', peer={'name': 'nkrb'})
        t.require(r.errno == 0, 'create pair', r)
        t.dev('nkra')
    ln = t.bg('exec %s python3 -S %s join 4' % (AS_USERNS_NETNS_ROOT, PRIVCHECK))
    time.sleep(1)
    x = attach(t, 'nkra', 'primary', 'nk_pass')
    detach(t, 'nkra', 'primary', 'id %d' % x)
    out, _ = ln.communicate(timeout=30)
    j = json.loads(out.strip().splitlines()[-1])
    t.eq((j['errno'], j['heard']), (0, []),
         'joins its own namespace\'s group and hears nothing of another')
    # from the namespace the peer was moved into, the pair cannot be named
    p = t.ns('p')
    move('nkrb', p)
    with nl.NL(p) as n:
        pidx = n.getlink('nkrb')['index']
    e = json.loads(sh('ip netns exec %s %s -j query %d primary' % (p, CTL, pidx)).stdout)
    t.check(e.get('errno') == errno.EACCES, 'the peer\'s namespace: the peer refused', e)


def attach_owned_bg(t, dev, side, prog='nk_next'):
    bg = t.bg('exec %s attach %s %s %s %s owned hold' % (CTL, dev, side, OBJ, prog))
    return bg, int(bg.stdout.readline().split()[0])


@test('robust: a pair deleted in one batch announces each side\'s release once', NEEDS)
def t_release_once(t):
    need_tools()
    for how in ('link group', 'rmmod'):
        with nl.NL() as n:
            r = n.newlink(t.kind, name='nkra', peer={'name': 'nkrb'})
            t.require(r.errno == 0, 'create pair', r)
        t.dev('nkra')
        mon = t.bg('exec %s -j monitor' % CTL)
        time.sleep(0.5)
        x = attach(t, 'nkra', 'primary', 'nk_pass')
        y = attach(t, 'nkra', 'peer', 'nk_pass')
        t.eq(len(read_lines(mon, 2)), 2, '%s: attach notified' % how)
        if how == 'rmmod':
            r = sh('rmmod netkit2')
            t.require(r.returncode == 0, 'rmmod', r.stderr)
        else:
            sh('ip link set nkra group 77', check=True)
            sh('ip link set nkrb group 77', check=True)
            sh('ip link del group 77', check=True)
        try:
            got = [json.loads(ln) for ln in read_lines(mon, 3, timeout=2)]
            t.eq(sorted((j['event'], j['target'], tuple(q['id'] for q in j['progs']))
                        for j in got),
                 [('release', 'peer', (y,)), ('release', 'primary', (x,))],
                 '%s: one release per side' % how)
        finally:
            mon.kill()
            if how == 'rmmod':
                sh('modprobe netkit2', check=True)


@test('robust: an owner killed while its pair and netns go leaves nothing behind', NEEDS)
def t_owner_vs_teardown(t):
    """Owned attachments whose socket closes around the deletion of their
    device and of its namespace, both orders."""
    need_tools()
    for order in ('owner first', 'netns first'):
        h = t.ns('h')
        with nl.NL(h) as n:
            r = n.newlink(t.kind, name='nkh', peer={'name': 'nkp'})
            t.require(r.errno == 0, 'create pair', r)
        holders = []
        for side in ('primary', 'peer'):
            bg = t.bg('exec ip netns exec %s %s attach nkh %s %s nk_next owned hold'
                      % (h, CTL, side, OBJ))
            holders.append((bg, int(bg.stdout.readline().split()[0])))
        if order == 'owner first':
            for bg, _ in holders:
                bg.kill()
            sh('ip netns del %s' % h, check=True)
        else:
            sh('ip netns del %s' % h, check=True)
            for bg, _ in holders:
                bg.kill()
        for bg, pid in holders:
            bg.wait(10)
            t.check(wait_until(lambda: sh('%s prog %d' % (CTL, pid)).returncode != 0, 10),
                    '%s: program %d released' % (order, pid))


# ------------------------------------------------------------------ upstream
XDP_FLAGS = {'xdp': 0, 'xdpgeneric': 1 << 1, 'xdpdrv': 1 << 2}


def xdp_errno(n, dev, mode, fd):
    """errno of attaching XDP program FD to DEV in MODE (removed again when
    it was taken): the errno, not the message, is what must match."""
    def xdp(prog_fd):
        return n.setlink(dev, attrs=[nl.nest(nl.IFLA['XDP'], [
            nl.s32(1, prog_fd), nl.u32(3, XDP_FLAGS[mode])])])   # _FD, _FLAGS
    r = xdp(fd)
    if r.errno == 0:
        xdp(-1)
    return r.errno


@test('robust: XDP attach answered as upstream netkit answers it', ('module', 'netkit'))
def t_xdp_upstream(t):
    got = {}
    fd = bpfsys.load(2, b'nk2t_xdp', bpfsys.XDP)   # XDP_PASS
    try:
        with nl.NL() as n:
            for kind in ('netkit', 'netkit2'):
                for pairing in (nl.PAIR, nl.SINGLE):
                    kw = dict(peer={'name': 'nkrb'}) if pairing == nl.PAIR else dict(pairing=nl.SINGLE)
                    r = n.newlink(kind, name='nkra', **kw)
                    t.require(r.errno == 0, 'create %s' % kind, r)
                    for mode in ('xdp', 'xdpdrv', 'xdpgeneric'):
                        devs = ('nkra', 'nkrb') if pairing == nl.PAIR else ('nkra',)
                        for dev in devs:
                            got[(kind, pairing, mode, dev)] = xdp_errno(n, dev, mode, fd)
                    n.dellink('nkra')
    finally:
        os.close(fd)
    for (kind, pairing, mode, dev), v in sorted(got.items()):
        if kind != 'netkit':
            continue
        t.eq(got[('netkit2', pairing, mode, dev)], v,
             'pairing %d, %s on %s: netkit2 as netkit' % (pairing, mode, dev))


@test('robust: detach on an empty list with REPLACE or a stale revision as upstream',
      ('module', 'netkit'))
def t_detach_empty_upstream(t):
    with nl.NL() as n:
        for kind, name in (('netkit', 'nkru'), ('netkit2', 'nkra')):
            r = n.newlink(kind, name=name, peer={'name': name + 'p'})
            t.require(r.errno == 0, 'create %s' % kind, r)
            t.dev(name)
        up, mine = n.getlink('nkru')['index'], n.getlink('nkra')['index']
    fd = bpfsys.load()
    try:
        with genl.Genl() as g:
            fam = g.family('netkit2')
            t.require(fam, 'netkit2 family')
            for what, flags, rev in (('REPLACE', bpfsys.F_REPLACE, 0), ('stale revision', 0, 7),
                                     ('REPLACE and stale revision', bpfsys.F_REPLACE, 7)):
                u = bpfsys.detach(up, fd, flags=flags, revision=rev)
                attrs = [nl.u32(1, mine), nl.s32(3, fd), nl.u32(9, flags)]
                if rev:
                    attrs.append(nl.A(10, rev.to_bytes(8, 'little')))
                m = g.do(fam[0], 2, attrs)
                t.eq(-m.errno, u, '%s on an empty list: netkit2 as netkit' % what)
                bpfsys.attach(up, fd)
                mine_ok = attach(t, 'nkra', 'primary', 'id:%d' % bpfsys.prog_id(fd))
                u = bpfsys.detach(up, fd, flags=flags, revision=rev)
                m = g.do(fam[0], 2, attrs)
                t.eq(-m.errno, u, '%s on a list of one: netkit2 as netkit' % what)
                bpfsys.detach(up, fd)
                if mine_ok > 0:
                    detach(t, 'nkra', 'primary')
    finally:
        os.close(fd)
