# SPDX-License-Identifier: GPL-2.0
"""Traffic across netns over pairs: ping, TCP, blackhole, stats, carrier."""


import kit
import netns
import nl
from harness import test, add, sh, link_json, ipj, wait_until

IF_OPER_UP = 6


def mkpair(t, mode, hns, pns, a='nkh', b='nkp', prefix='10.77.0', extra=None):
    """Pair a (in hns) <-> b (in pns), addresses .1/.2, up."""
    with nl.NL() as n:
        kw = dict(mode=mode, peer={'name': b})
        kw.update(extra or {})
        r = n.newlink(t.kind, name=a, **kw)
        t.require(r.errno == 0, 'create pair', r)
    kit.place(b, pns, '%s.2/24' % prefix, ipv6=True, up=False)
    kit.place(a, hns, '%s.1/24' % prefix, ipv6=True, up=False)
    # both up back to back: what one sends while the other is down is
    # counted as dropped
    for ns, dev in ((hns, a), (pns, b)):
        with nl.NL(ns) as n:
            t.require(n.up(dev).errno == 0, 'set %s up' % dev)
    # The carrier is on, but a device sends only once the link watch has
    # activated its queue (operstate UP): a frame sent before that is
    # dropped and counted by the core's placeholder qdisc, whatever the
    # driver. Traffic and its counters start from there.
    for ns, dev in ((hns, a), (pns, b)):
        with nl.NL(ns) as n:
            t.require(wait_until(lambda: n.getlink(dev)['operstate'] == IF_OPER_UP, 5, 0.02),
                      '%s operstate UP' % dev, n.getlink(dev)['operstate'])


def ping(ns, dst, count=3, **kw):
    """Whether an echo request of COUNT from NS to DST is answered."""
    return netns.echo(ns, dst, count, **kw) > 0


def stats(dev, ns):
    with nl.NL(ns) as n:
        return n.getlink(dev)['stats64']


def tcp(t, srv_ns, cli_ns, dst, port=7000, size=300000):
    """SIZE bytes over TCP from CLI_NS to an echo in SRV_NS come back intact."""
    return netns.tcp_echo(srv_ns, cli_ns, dst, port, size)


def traffic_case(mode):
    def fn(t):
        h, p = t.ns('h'), t.ns('p')
        mkpair(t, mode, h, p)
        t.check(ping(h, '10.77.0.2'), 'ping host -> pod')
        t.check(ping(p, '10.77.0.1'), 'ping pod -> host')
        t.check(tcp(t, p, h, '10.77.0.2'), 'TCP 300 KB echo host -> pod intact')
        t.check(tcp(t, h, p, '10.77.0.1', port=7001), 'TCP 300 KB echo pod -> host intact')
        sa, sb = stats('nkh', h), stats('nkp', p)
        t.check(sa['tx_packets'] > 10 and sa['rx_packets'] > 10, 'primary counters moved', sa)
        t.eq(sa['tx_packets'], sb['rx_packets'], 'primary tx_packets == peer rx_packets')
        t.eq(sa['tx_bytes'], sb['rx_bytes'], 'primary tx_bytes == peer rx_bytes')
        t.eq(sb['tx_packets'], sa['rx_packets'], 'peer tx_packets == primary rx_packets')
        t.eq(sb['tx_bytes'], sa['rx_bytes'], 'peer tx_bytes == primary rx_bytes')
        t.eq(sa['tx_dropped'] + sb['tx_dropped'], 0, 'nothing dropped')
        # neighbours: L2 resolves the peer MAC by ARP, L3 is NOARP
        ja, jb = link_json('nkh', h), link_json('nkp', p)
        neigh = ipj('neigh show dev nkh to 10.77.0.2', h)
        if mode == nl.L2:
            t.check('NOARP' not in ja['flags'], 'L2 device is ARP capable', ja['flags'])
            t.eq([x.get('lladdr') for x in neigh], [jb['address']], 'ARP resolved the peer MAC')
        else:
            t.check('NOARP' in ja['flags'] and 'NOARP' in jb['flags'], 'L3 devices are NOARP')
            t.check(all(x.get('lladdr') != jb.get('address') or 'NOARP' in x.get('state', [])
                        for x in neigh), 'no ARP-resolved neighbour in L3', neigh)
    return fn


add('traffic: l2 ping and TCP both directions, stats, ARP', traffic_case(nl.L2))
add('traffic: l3 ping and TCP both directions, stats, NOARP', traffic_case(nl.L3))


def routed_case(mode):
    def fn(t):
        r, a, b = t.ns('r'), t.ns('a'), t.ns('b')
        mkpair(t, mode, r, a, 'nkra', 'nka', '10.78.1')
        mkpair(t, mode, r, b, 'nkrb', 'nkb', '10.78.2')
        sh('ip netns exec %s sysctl -qw net.ipv4.ip_forward=1' % r, check=True)
        sh('ip -n %s route add default via 10.78.1.1' % a, check=True)
        sh('ip -n %s route add default via 10.78.2.1' % b, check=True)
        t.check(ping(a, '10.78.2.2'), 'ping pod-a -> pod-b routed')
        t.check(ping(b, '10.78.1.2'), 'ping pod-b -> pod-a routed')
        t.check(tcp(t, b, a, '10.78.2.2'), 'TCP pod-a -> pod-b routed intact')
    return fn


add('traffic: l3 pod-a <-> pod-b through two pairs', routed_case(nl.L3))
add('traffic: l2 pod-a <-> pod-b through two pairs', routed_case(nl.L2))


def blackhole_case(side):
    def fn(t):
        h, p = t.ns('h'), t.ns('p')
        mkpair(t, nl.L3, h, p, extra={'policy' if side == 'primary' else 'peer_policy': nl.DROP})
        dev, ns = ('nkh', h) if side == 'primary' else ('nkp', p)
        before = stats(dev, ns)['tx_dropped']
        t.check(not ping(h, '10.77.0.2', count=3), 'ping fails with %s blackhole' % side)
        after = stats(dev, ns)['tx_dropped']
        t.check(after - before >= 3, '%s tx_dropped counts the drops' % side, (before, after))
        js = link_json(dev, ns, stats=True)
        t.check(js['stats64']['tx']['dropped'] >= 3, 'ip -s -j link shows tx dropped', js['stats64']['tx'])
        # flip to forward via changelink on the primary
        with nl.NL(h) as n:
            r = n.changelink(t.kind, name='nkh', **{'policy' if side == 'primary' else 'peer_policy': nl.PASS})
            t.eq(r.errno, 0, 'changelink back to forward')
        t.check(ping(h, '10.77.0.2'), 'ping works after forward')
        with nl.NL(h) as n:
            r = n.changelink(t.kind, name='nkh', **{'policy' if side == 'primary' else 'peer_policy': nl.DROP})
            t.eq(r.errno, 0, 'changelink to blackhole at runtime')
        t.check(not ping(h, '10.77.0.2', count=2), 'ping fails again after runtime blackhole')
    return fn


add('traffic: blackhole on primary drops and counts', blackhole_case('primary'))
add('traffic: blackhole on peer drops and counts', blackhole_case('peer'))


def operstate(dev, want, ns=None):
    """DEV's operstate once it is WANT (3 s at most), else the last one."""
    st = []
    wait_until(lambda: st.append(link_json(dev, ns)['operstate']) or st[-1] == want, 3, 0.1)
    return st[-1]


@test('traffic: carrier follows the peer up/down')
def t_carrier_follows_peer(t):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkca'), peer={'name': 'nkcb'})
        t.require(r.errno == 0, 'create', r)

        def st(d):
            l = n.getlink(d)
            return l['carrier'], bool(l['flags'] & nl.IFF_LOWER_UP), bool(l['flags'] & nl.IFF_UP)
        t.eq(st('nkca'), (0, False, False), 'both down: primary')
        n.up('nkca')
        t.eq(st('nkca'), (0, False, True), 'primary up, peer down: no carrier')
        t.eq(operstate('nkca', 'LOWERLAYERDOWN'), 'LOWERLAYERDOWN', 'operstate without peer')
        n.up('nkcb')
        t.eq(st('nkca'), (1, True, True), 'both up: primary carrier')
        t.eq(st('nkcb'), (1, True, True), 'both up: peer carrier')
        t.eq(operstate('nkca', 'UP'), 'UP', 'operstate with peer up')
        n.down('nkcb')
        t.eq(st('nkca'), (0, False, True), 'peer down: primary loses carrier')
        t.eq(st('nkcb')[0], 0, 'peer down: peer has no carrier')
        n.up('nkcb')
        t.eq(st('nkca'), (1, True, True), 'peer up again: carrier back')
        n.down('nkca')
        t.eq(st('nkcb'), (0, False, True), 'primary down: peer loses carrier')


@test('traffic: MTU change and jumbo ping')
def t_mtu_change_jumbo_ping(t):
    h, p = t.ns('h'), t.ns('p')
    mkpair(t, nl.L2, h, p)
    t.check(sh('ip -n %s link set nkh mtu 9000' % h).returncode == 0, 'set mtu 9000 primary')
    t.check(sh('ip -n %s link set nkp mtu 9000' % p).returncode == 0, 'set mtu 9000 peer')
    t.eq(link_json('nkh', h)['mtu'], 9000, 'mtu shown')
    t.check(ping(h, '10.77.0.2', size=8900, dont_frag=True), 'ping 8900 bytes DF')
    t.check(sh('ip -n %s link set nkh mtu 65535' % h).returncode == 0, 'mtu 65535 (max) accepted')
    t.check(sh('ip -n %s link set nkh mtu 65536' % h).returncode != 0, 'mtu 65536 rejected')
    t.check(sh('ip -n %s link set nkh mtu 67' % h).returncode != 0, 'mtu 67 rejected')


@test('traffic: iflink and link-netnsid of the peer')
def t_iflink_netnsid(t):
    p = t.ns('p')
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkla'), peer={'name': 'nklb'})
        t.require(r.errno == 0, 'create', r)
        j = ipj('link show dev nkla')[0]
        t.eq(j.get('link'), 'nklb', 'ip link shows nkla@nklb')
        t.check('nkla@nklb' in sh('ip link show dev nkla').stdout, 'text shows nkla@nklb')
        a = n.getlink('nkla')
        t.check('link_netnsid' not in a, 'no link-netnsid in the same netns')
        kit.move('nklb', p)
        a = n.getlink('nkla')
        t.check('link_netnsid' in a, 'link-netnsid after moving the peer', a)
        with nl.NL(p) as m:
            b = m.getlink('nklb')
            t.eq(a.get('link'), b['index'], 'primary IFLA_LINK = peer ifindex')
            t.eq(b.get('link'), a['index'], 'peer IFLA_LINK = primary ifindex')
            t.check('link_netnsid' in b, 'peer has link-netnsid too', b)
        j = ipj('link show dev nkla')[0]
        t.check('link_netnsid' in j, 'ip -j shows link_netnsid', j)


@test('traffic: single device is up with carrier and drops what it sends')
def t_single_up_drops(t):
    h = t.ns('h')
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nks', pairing=nl.SINGLE)
        t.require(r.errno == 0, 'create', r)
    kit.move('nks', h)
    sh('ip -n %s addr add 10.79.0.1/24 dev nks' % h, check=True)
    sh('ip -n %s link set nks up' % h, check=True)
    j = link_json('nks', h)
    t.check('LOWER_UP' in j['flags'], 'LOWER_UP', j['flags'])
    before = stats('nks', h)['tx_dropped']
    t.check(not ping(h, '10.79.0.2', count=3), 'ping through single fails')
    after = stats('nks', h)
    t.check(after['tx_dropped'] - before >= 3, 'tx_dropped counts', after)
    t.eq(after['tx_packets'], 0, 'nothing transmitted')
