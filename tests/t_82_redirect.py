# SPDX-License-Identifier: GPL-2.0
"""REDIRECT from netkit2 programs as the kernel's tc redirect does it:
bpf_redirect_neigh() with and without next hop (IPv4, IPv6), targets
without a link-layer header, bpf_redirect_peer(), the transmit recursion
limit, counters; and upstream's tc_netkit scenarios not covered by
t_80_bpf (pkt_type, scrub with programs, what each mode shows programs).

Programs come from tests/bpf/progs.c; the interface indexes and addresses
they use are set up here (NK_*_IFINDEX there)."""

import socket
import time

import netns
import nl
from harness import test, sh, dmesg_lines, ipv6_on
from kit import move
from nk2ctl import OBJ, attach, detach, ids, need_tools, ping, stats

NEEDS = ('module',)

FWD_IFINDEX = 120       # vp, in the peer's namespace: veth to the remote
TUN_IFINDEX = 130       # ipt, in the peer's namespace: ipip
SELF_IFINDEX = 140      # primary of the loop pair
VP_MAC = '02:00:00:00:01:20'
VR_MAC = '02:00:00:00:01:21'
REMOTE4, REMOTE6 = '10.78.0.2', 'fd00:78::2'


def nsx(ns, cmd, check=True):
    return sh('ip netns exec %s %s' % (ns, cmd), check=check)


def sysctls(ns, v6=True):
    for k in ('all', 'default'):
        nsx(ns, 'sysctl -qw net.ipv4.conf.%s.rp_filter=0' % k)
        if not v6 and ipv6_on():
            nsx(ns, 'sysctl -qw net.ipv6.conf.%s.disable_ipv6=1' % k)


def v6(*cmds):
    """Run the IPv6 setup commands CMDS unless the host has no IPv6."""
    if ipv6_on():
        for c in cmds:
            sh(c, check=True)


def remotes():
    """The remote's addresses to test: IPv4, and IPv6 where there is IPv6."""
    return (REMOTE4, REMOTE6) if ipv6_on() else (REMOTE4,)


def pair(t, ns, mode=nl.L3, idx=(110, 111), names=('nkh', 'nkp'), peer_address=None, **kw):
    """A netkit2 pair created in NS with fixed interface indexes (and the
    peer's MAC, PEER_ADDRESS)."""
    peer = {'name': names[1], 'index': idx[1]}
    if peer_address:
        peer['address'] = peer_address
    with nl.NL(ns) as n:
        r = n.newlink(t.kind, name=names[0], mode=mode, ifinfo=nl.IfInfo(index=idx[0]),
                      peer=peer, **kw)
        t.require(r.errno == 0, 'create pair %s/%s' % names, r)


def topology(t, mode=nl.L3, remote=True, **kw):
    """h: nkh 10.77.0.1 | p: nkp 10.77.0.2, vp 10.78.0.1 (index 120) |
    r: vr 10.78.0.2; p forwards between them (the fd00:77/fd00:78 IPv6
    equivalents too, unless the host has no IPv6). Returns (h, p, r)."""
    h, p = t.ns('h'), t.ns('p')
    r = t.ns('r') if remote else None
    for ns in (h, p, r):
        if ns:
            sysctls(ns)
    pair(t, h, mode, **kw)
    move('nkp', p, parent=h)
    for ns, dev, a in ((h, 'nkh', 1), (p, 'nkp', 2)):
        sh('ip -n %s addr add 10.77.0.%d/24 dev %s' % (ns, a, dev), check=True)
        v6('ip -n %s addr add fd00:77::%d/64 dev %s nodad' % (ns, a, dev))
        sh('ip -n %s link set %s up' % (ns, dev), check=True)
    if not remote:
        return h, p, None
    nsx(p, 'sysctl -qw net.ipv4.ip_forward=1')
    v6('ip netns exec %s sysctl -qw net.ipv6.conf.all.forwarding=1' % p)
    sh('ip -n %s link add vp index %d address %s type veth peer name vr index %d '
       'address %s netns %s' % (p, FWD_IFINDEX, VP_MAC, FWD_IFINDEX + 1, VR_MAC, r), check=True)
    for ns, dev, a in ((p, 'vp', 1), (r, 'vr', 2)):
        sh('ip -n %s addr add 10.78.0.%d/24 dev %s' % (ns, a, dev), check=True)
        v6('ip -n %s addr add fd00:78::%d/64 dev %s nodad' % (ns, a, dev))
        sh('ip -n %s link set %s up' % (ns, dev), check=True)
    for ns in (p, r):
        for dev in ('all', 'vp' if ns == p else 'vr'):
            nsx(ns, 'sysctl -qw net.ipv4.conf.%s.rp_filter=0' % dev)
    sh('ip -n %s route add 10.78.0.0/24 via 10.77.0.2 dev nkh' % h, check=True)
    sh('ip -n %s route add default via 10.78.0.1' % r, check=True)
    # .3 only exists as a permanent neighbour entry: the remote's MAC
    sh('ip -n %s neigh add 10.78.0.3 lladdr %s dev vp nud permanent' % (p, VR_MAC), check=True)
    v6('ip -n %s route add fd00:78::/64 via fd00:77::2 dev nkh' % h,
       'ip -n %s route add default via fd00:78::1' % r,
       'ip -n %s neigh add fd00:78::3 lladdr %s dev vp nud permanent' % (p, VR_MAC))
    return h, p, r


def settle(dev, ns, quiet=0.6, limit=5):
    """Wait (up to LIMIT s) until DEV's transmit counters stayed still for
    QUIET s."""
    end = time.monotonic() + limit
    last, since = stats(dev, ns), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.2)
        now = stats(dev, ns)
        if (now['tx_packets'], now['tx_dropped']) != (last['tx_packets'], last['tx_dropped']):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def delta(before, dev, ns, *keys):
    now = stats(dev, ns)
    return tuple(now[k] - before[k] for k in keys)


def pings(ns, dst, count=3):
    return netns.echo(ns, dst, count) > 0


@test('redirect: bpf_redirect_neigh() by route lookup, IPv4 and IPv6 (L3, L2)', NEEDS)
def t_neigh(t):
    for mode in (nl.L3, nl.L2):
        m = 'L3' if mode == nl.L3 else 'L2'
        h, p, r = topology(t, mode)
        # warm the gateway's neighbour entry up (ARP in L2), then redirect
        t.require(ping(h, REMOTE4, 1), '%s: ping through the peer without programs' % m)
        attach(t, 'nkh', 'primary', 'nk_neigh', ns=h)
        nkp, vp = stats('nkp', p), stats('vp', p)
        dsts = remotes() if mode == nl.L3 else (REMOTE4,)
        for dst in dsts:
            t.check(pings(h, dst), '%s: ping %s redirected to the neighbour' % (m, dst))
        # in L2 the peer may still get an ARP refresh, never the requests
        got, = delta(nkp, 'nkp', p, 'rx_packets')
        t.check(got == 0 if mode == nl.L3 else got < 3,
                '%s: the peer did not receive the requests' % m, got)
        n, = delta(vp, 'vp', p, 'tx_packets')
        t.check(n >= 3 * len(dsts), '%s: vp transmitted the requests' % m, n)
        for ns in (h, p, r):
            sh('ip netns del %s' % ns)


@test('redirect: bpf_redirect_neigh() to a next hop set, resolved or missing', NEEDS)
def t_neigh_nexthop(t):
    h, p, r = topology(t)
    for prog, ok in (('nk_neigh_nh', True), ('nk_neigh_nh_resolve', True),
                     ('nk_neigh_nh_none', False)):
        attach(t, 'nkh', 'primary', prog, ns=h)
        nkp = stats('nkp', p)
        for dst in remotes():
            t.eq(pings(h, dst), ok, '%s: ping %s' % (prog, dst))
        t.eq(delta(nkp, 'nkp', p, 'rx_packets'), (0,), '%s: the peer received nothing' % prog)
        detach(t, 'nkh', 'primary', ns=h)
    # an IPv6 next hop serves IPv4 (the kernel's v6 gateway case); without
    # IPv6 it cannot be resolved (robust: IPv6 through ... checks the drop)
    if ipv6_on():
        attach(t, 'nkh', 'primary', 'nk_neigh_nh6', ns=h)
        t.check(pings(h, REMOTE4), 'IPv4 through an IPv6 next hop')
        detach(t, 'nkh', 'primary', ns=h)
    # an IPv4 next hop for IPv6 is dropped and counted by the target
    attach(t, 'nkh', 'primary', 'nk_neigh_nh4', ns=h)
    t.check(pings(h, REMOTE4, 1), 'IPv4 through an IPv4 next hop')
    if ipv6_on():
        nkh, vp = stats('nkh', h), stats('vp', p)
        t.check(not pings(h, REMOTE6), 'IPv6 through an IPv4 next hop fails')
        t.eq(delta(vp, 'vp', p, 'tx_dropped'), (3,), 'the target counts the drops')
        t.eq(delta(nkh, 'nkh', h, 'tx_dropped'), (0,), 'the netkit2 device does not')
        t.check(delta(nkh, 'nkh', h, 'tx_packets')[0] >= 3, 'it counts them as sent')
    detach(t, 'nkh', 'primary', ns=h)
    # no such target: dropped, counted as sent by netkit2 only (IPv6 off on
    # vp so that nothing else goes out there; whatever vp still sends, an
    # MLD report as IPv6 goes, has to have left before the counts are
    # taken)
    if ipv6_on():
        nsx(p, 'sysctl -qw net.ipv6.conf.vp.disable_ipv6=1')
    # nor an ARP probe: the remote's entry, used a moment ago, would be
    # probed once its delay (5 s) is over
    sh('ip -n %s neigh flush dev vp' % p, check=True)
    attach(t, 'nkh', 'primary', 'nk_neigh_nowhere', ns=h)
    settle('vp', p)
    nkh, vp = stats('nkh', h), stats('vp', p)
    t.check(not pings(h, REMOTE4), 'neighbour redirect to no device fails')
    t.eq(delta(nkh, 'nkh', h, 'tx_dropped'), (0,), 'missing target: no drop counted')
    t.check(delta(nkh, 'nkh', h, 'tx_packets')[0] >= 3, 'missing target: counted as sent')
    t.eq(delta(vp, 'vp', p, 'tx_packets', 'tx_dropped'), (0, 0), 'vp saw nothing')


def ipip(t, h, p, r):
    """ipt (index 130) in p and ipr in r: an ipip tunnel over the veth;
    10.80.0.2 sits behind it, on r."""
    r_ = sh('ip -n %s link add ipt index %d type ipip local 10.78.0.1 remote 10.78.0.2'
            % (p, TUN_IFINDEX))
    t.require(r_.returncode == 0, 'ipip device', r_.stderr)
    sh('ip -n %s link add ipr type ipip local 10.78.0.2 remote 10.78.0.1' % r, check=True)
    for ns, dev in ((p, 'ipt'), (r, 'ipr')):
        nsx(ns, 'sysctl -qw net.ipv4.conf.%s.rp_filter=0' % dev)
        sh('ip -n %s link set %s up' % (ns, dev), check=True)
    sh('ip -n %s addr add 10.80.0.2/24 dev ipr' % r, check=True)
    sh('ip -n %s route add 10.77.0.0/24 dev ipr' % r, check=True)
    sh('ip -n %s route add 10.80.0.0/24 via 10.77.0.2 dev nkh' % h, check=True)


@test('redirect: to a device without link-layer header (ipip), egress and ingress', NEEDS)
def t_nomac(t):
    h, p, r = topology(t)
    ipip(t, h, p, r)
    t.check(not pings(h, '10.80.0.2', 1), 'no route to the tunnel without programs')
    attach(t, 'nkh', 'primary', 'nk_redir_tun', ns=h)
    ipt = stats('ipt', p)
    t.check(pings(h, '10.80.0.2'), 'egress: ping through the tunnel')
    n, = delta(ipt, 'ipt', p, 'tx_packets')
    t.check(n >= 3, 'egress: the tunnel encapsulated the requests', n)
    detach(t, 'nkh', 'primary', ns=h)
    attach(t, 'nkh', 'primary', 'nk_redir_tun_ingress', ns=h)
    nkp = stats('nkp', p)
    t.check(pings(h, '10.77.0.2'), 'ingress: the tunnel device received the requests')
    t.eq(delta(nkp, 'nkp', p, 'rx_packets'), (0,), 'ingress: the peer received nothing')


def kernel_has(name):
    """Whether the running kernel's BTF knows NAME (an enum constant)."""
    try:
        with open('/sys/kernel/btf/vmlinux', 'rb') as f:
            return (b'\0' + name.encode() + b'\0') in f.read()
    except OSError:
        return False


@test('redirect: bpf_redirect_peer() dropped outside tc ingress; BPF_F_EGRESS', NEEDS)
def t_peer(t):
    h, p, r = topology(t)
    # IPv4 only on the veth: nothing but the test's packets cross it
    nsx(p, 'sysctl -qw net.ipv6.conf.vp.disable_ipv6=1')
    nsx(r, 'sysctl -qw net.ipv6.conf.vr.disable_ipv6=1')
    attach(t, 'nkh', 'primary', 'nk_redir_peer', ns=h)
    nkh, vp, vr = stats('nkh', h), stats('vp', p), stats('vr', r)
    t.check(not pings(h, '10.77.0.2'), 'redirect_peer from a netkit2 program drops')
    d = delta(nkh, 'nkh', h, 'tx_packets', 'tx_dropped')
    t.check(d[0] >= 3 and d[1] == 0, 'counted as sent, not as dropped (as upstream)', d)
    t.eq(delta(vp, 'vp', p, 'rx_packets') + delta(vr, 'vr', r, 'tx_packets', 'rx_packets'),
         (0, 0, 0), 'neither the veth nor its peer saw the packets')
    detach(t, 'nkh', 'primary', ns=h)
    # BPF_F_EGRESS: out of vr, so into vp and p's stack
    attach(t, 'nkh', 'primary', 'nk_redir_peer_egress', ns=h)
    nkh, nkp, vp = stats('nkh', h), stats('nkp', p), stats('vp', p)
    ok = pings(h, '10.77.0.2')
    if kernel_has('BPF_F_EGRESS'):
        t.check(ok, 'BPF_F_EGRESS: ping through the veth')
        n, = delta(vp, 'vp', p, 'rx_packets')
        t.check(n >= 3, 'BPF_F_EGRESS: vp received the requests', n)
        t.eq(delta(nkp, 'nkp', p, 'rx_packets'), (0,), 'BPF_F_EGRESS: not the peer')
    else:
        t.check(not ok, 'no BPF_F_EGRESS: the helper refuses, the program drops')
        t.check(delta(nkh, 'nkh', h, 'tx_dropped')[0] >= 3, 'and the drops are counted')
        t.note('kernel without BPF_F_EGRESS for bpf_redirect_peer()')


POD_IFINDEX = {'a': 150, 'b': 160}      # NK_POD_A/B_IFINDEX: the primaries


def pods(t, mode, scrub=nl.SCRUB_DEFAULT):
    """Host namespace x with the primaries ha (index 150) and hb (160) of
    two pairs, whose peers pa and pb are pods A and B: 10.79.0.1 and .2
    (fd00:79::1 and ::2), on one link as far as the pods can tell, with
    fixed MACs and permanent neighbours in L2. B refuses packets marked 42
    (a rule). Returns (x, {'a': ns, 'b': ns})."""
    x = t.ns('x')
    ns = {'a': t.ns('a'), 'b': t.ns('b')}
    mac = {'a': '02:00:00:00:01:51', 'b': '02:00:00:00:01:61'}
    for n, (pod, i) in enumerate(sorted(POD_IFINDEX.items()), 1):
        pair(t, x, mode, (i, i + 1), ('h' + pod, 'p' + pod),
             peer_address=mac[pod] if mode == nl.L2 else None, scrub=scrub, peer_scrub=scrub)
        move('p' + pod, ns[pod], parent=x)
        if ipv6_on():
            nsx(x, 'sysctl -qw net.ipv6.conf.h%s.disable_ipv6=1' % pod)
        sh('ip -n %s link set h%s up' % (x, pod), check=True)
        sh('ip -n %s addr add 10.79.0.%d/24 dev p%s' % (ns[pod], n, pod), check=True)
        v6('ip -n %s addr add fd00:79::%d/64 dev p%s nodad' % (ns[pod], n, pod))
        sh('ip -n %s link set p%s up' % (ns[pod], pod), check=True)
    for pod, other, n in (('a', 'b', 2), ('b', 'a', 1)):
        if mode == nl.L2:
            sh('ip -n %s neigh add 10.79.0.%d lladdr %s dev p%s nud permanent'
               % (ns[pod], n, mac[other], pod), check=True)
            v6('ip -n %s neigh add fd00:79::%d lladdr %s dev p%s nud permanent'
               % (ns[pod], n, mac[other], pod))
    # before the local table, which would deliver the packet first
    for f in ('-4', '-6') if ipv6_on() else ('-4',):
        for r in ('add pref 100 table local', 'del pref 0', 'add pref 50 fwmark 42 prohibit'):
            sh('ip -n %s %s rule %s' % (ns['b'], f, r), check=True)
    return x, ns


def pod_addrs():
    return ('10.79.0.2', 'fd00:79::2') if ipv6_on() else ('10.79.0.2',)


@test('redirect: bpf_redirect_peer() to another pair enters its peer (L3, L2, scrub)', NEEDS)
def t_peer_pairs(t):
    # Pod A's device sends into pod B's with bpf_redirect_peer() to hb, and
    # B's into A's to ha: one receive, the primaries' programs (a drop)
    # skipped as at tc ingress, the mark scrubbed as hb's transmit would.
    for mode, scrub in ((nl.L3, nl.SCRUB_DEFAULT), (nl.L2, nl.SCRUB_DEFAULT),
                        (nl.L3, nl.SCRUB_NONE)):
        m = '%s%s' % ('L3' if mode == nl.L3 else 'L2',
                      ', scrub none' if scrub == nl.SCRUB_NONE else '')
        x, ns = pods(t, mode, scrub)
        attach(t, 'ha', 'peer', 'nk_peer_to_b', ns=x)
        attach(t, 'hb', 'peer', 'nk_peer_to_a', ns=x)
        for h in ('ha', 'hb'):
            attach(t, h, 'primary', 'nk_drop', ns=x)
        before = {d: stats(d, x if d[0] == 'h' else ns[d[1]]) for d in ('ha', 'hb', 'pa', 'pb')}
        for dst in pod_addrs():
            got = netns.echo(ns['a'], dst, 3)
            if scrub == nl.SCRUB_NONE:
                t.eq(got, 0, '%s: %s: the mark kept, B\'s rule refuses it' % (m, dst))
            else:
                t.eq(got, 3, '%s: A pings B at %s' % (m, dst))
        n = 3 * len(pod_addrs())
        d = {k: delta(v, k, x if k[0] == 'h' else ns[k[1]], 'tx_packets', 'rx_packets')
             for k, v in before.items()}
        t.eq((d['ha'], d['hb']), ((0, 0), (0, 0)),
             '%s: the primaries neither sent nor received (their drop program skipped)' % m)
        # at least: the pods' own IPv6 (MLD, ...) takes the same way
        t.check(min(d['pa'][0], d['pb'][1]) >= n, '%s: A sent, B received every request' % m,
                (d['pa'], d['pb'], n))
        if scrub == nl.SCRUB_DEFAULT:
            t.check(min(d['pb'][0], d['pa'][1]) >= n, '%s: and every reply came back' % m,
                    (d['pa'], d['pb'], n))
        for name in [x] + list(ns.values()):
            sh('ip netns del %s' % name)
    # No peer up, or a target that is not netkit2: dropped.
    x, ns = pods(t, nl.L3)
    attach(t, 'ha', 'peer', 'nk_peer_to_b', ns=x)
    sh('ip -n %s link set pb down' % ns['b'], check=True)
    pa = stats('pa', ns['a'])
    t.eq(netns.echo(ns['a'], '10.79.0.2', 2, wait=0.5), 0, 'B down: no reply')
    d = delta(pa, 'pa', ns['a'], 'tx_packets', 'tx_dropped')
    t.check(d[0] >= 2 and d[1] == 0,
            'B down: sent by A, dropped with no count (as the kernel\'s redirect)', d)


@test('redirect: back into its own device stops at the recursion limit', NEEDS)
def t_recursion(t):
    ns = t.ns('l')
    sysctls(ns, v6=False)
    pair(t, ns, idx=(SELF_IFINDEX, SELF_IFINDEX + 1), names=('nkl0', 'nkl1'))
    sh('ip -n %s addr add 10.81.0.1/24 dev nkl0' % ns, check=True)
    sh('ip -n %s link set nkl0 up' % ns, check=True)
    sh('ip -n %s link set nkl1 up' % ns, check=True)
    attach(t, 'nkl0', 'primary', 'nk_redir_self', ns=ns)
    seen = len(dmesg_lines())
    s0, s1 = stats('nkl0', ns), stats('nkl1', ns)
    t0 = time.time()
    t.check(not pings(ns, '10.81.0.9'), 'the looping packets go nowhere')
    t.check(time.time() - t0 < 30, 'and ping does not hang')
    # the device's transmit nests twice per round (its own and the
    # redirect's): 8 levels allow 5 rounds, each counted as sent
    t.eq(delta(s0, 'nkl0', ns, 'tx_packets', 'tx_dropped'), (15, 0),
         '5 rounds per packet, then dropped (3 packets)')
    t.eq(delta(s1, 'nkl1', ns, 'rx_packets'), (0,), 'the peer received nothing')
    new = dmesg_lines()[seen:]
    t.check(any('recursion limit' in x for x in new), 'the limit is reported', new[-5:])


def tc_ingress(t, ns, dev, sec):
    need_tools()
    sh('tc -n %s qdisc add dev %s clsact' % (ns, dev), check=True)
    r = sh('tc -n %s filter add dev %s ingress bpf da obj %s sec %s' % (ns, dev, OBJ, sec))
    t.require(r.returncode == 0, 'tc ingress program on %s' % dev, r.stderr)


@test('redirect: pkt_type as the peer sees it, kept as programs set it (L2, L3)', NEEDS)
def t_pkt_type(t):
    for mode in (nl.L2, nl.L3):
        m = 'L3' if mode == nl.L3 else 'L2'
        h, p, _ = topology(t, mode, remote=False)
        tc_ingress(t, p, 'nkp', 'classifier')
        t.check(not ping(h), '%s: the peer\'s tc ingress drops unmarked packets' % m)
        attach(t, 'nkh', 'primary', 'nk_pkt_type', ns=h)
        t.check(ping(h), '%s: PACKET_HOST for the program, its PACKET_MULTICAST '
                'reaches the peer\'s tc ingress' % m)
        for ns in (h, p):
            sh('ip netns del %s' % ns)


def send_marked(ns, n=5):
    s = netns.sock(ns, socket.AF_INET, socket.SOCK_DGRAM)
    with s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, 42)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, 0xeb9f)
        for _ in range(n):
            s.sendto(b'x', ('10.77.0.2', 9))


@test('redirect: scrub with programs: mark, priority and room per scrub mode', NEEDS)
def t_scrub(t):
    # tc_netkit.c's scrub scenario: scrub default without room, scrub none
    # with headroom 32 and tailroom 8, both as the program sees them.
    for scrub, keep in ((nl.SCRUB_DEFAULT, False), (nl.SCRUB_NONE, True)):
        what = 'scrub none' if keep else 'scrub default'
        room = {'headroom': 32, 'tailroom': 8} if keep else {}
        h, p, _ = topology(t, remote=False, scrub=scrub, peer_scrub=scrub, **room)
        for prog, passes in (('nk_want_marked', keep), ('nk_want_scrubbed', not keep),
                             ('nk_want_room', keep), ('nk_want_no_room', not keep)):
            attach(t, 'nkh', 'primary', prog, ns=h)
            nkh = stats('nkh', h)
            send_marked(h)
            time.sleep(0.2)
            t.eq(delta(nkh, 'nkh', h, 'tx_dropped'), (0 if passes else 5,),
                 '%s: %s %s' % (what, prog, 'passes' if passes else 'drops'))
            detach(t, 'nkh', 'primary', ns=h)
        for ns in (h, p):
            sh('ip netns del %s' % ns)


@test('redirect: the device mode decides what programs see (IP in L3, ARP in L2)', NEEDS)
def t_mode_neigh(t):
    for mode, ip in ((nl.L3, True), (nl.L2, False)):
        m = 'L3' if mode == nl.L3 else 'L2'
        h, p, _ = topology(t, mode, remote=False)
        attach(t, 'nkh', 'primary', 'nk_drop_ip_eth', ns=h)
        nkh, nkp = stats('nkh', h), stats('nkp', p)
        t.check(not pings(h, '10.77.0.3', 2), '%s: nobody at 10.77.0.3' % m)
        d, = delta(nkh, 'nkh', h, 'tx_dropped')
        if ip:
            # ping sends again when the device refuses a request
            t.check(d >= 2, 'L3: the program saw the ICMP requests with an Ethernet header', d)
        else:
            t.eq(d, 0, 'L2: no ICMP request before a neighbour answers')
            n, = delta(nkp, 'nkp', p, 'rx_packets')
            t.check(n >= 1, 'L2: the program let ARP through to the peer', n)
        for ns in (h, p):
            sh('ip netns del %s' % ns)


@test('redirect: attach and detach redirect programs while traffic flows', NEEDS)
def t_churn(t):
    h, p, r = topology(t)
    flood = t.bg('ip netns exec %s ping -q -i 0.01 -s 1000 %s' % (h, REMOTE4))
    time.sleep(0.5)
    # each change starts netkit2ctl: two rounds (t_80_bpf churns fast)
    for _ in range(2):
        a = attach(t, 'nkh', 'primary', 'nk_neigh', ns=h)
        attach(t, 'nkh', 'primary', 'nk_neigh_nh', 'first', ns=h)
        attach(t, 'nkh', 'primary', 'nk_next', 'replace %d' % a, ns=h)
        detach(t, 'nkh', 'primary', 'first', ns=h)
        detach(t, 'nkh', 'primary', ns=h)
    t.check(flood.poll() is None, 'flood ping still running')
    flood.terminate()
    t.eq(ids('nkh', 'primary', h), [], 'nothing left attached')
    t.check(pings(h, REMOTE4, 1), 'ping after the churn')

