# SPDX-License-Identifier: GPL-2.0
"""netkit-specific helpers shared by the test files."""


import netns
import nl
from harness import Fail, ifindexes, ipv6_on, sh

NK = nl.NK

# The largest headroom netkit2 accepts (NETKIT2_HEADROOM_MAX, src/netkit2.h,
# on x86-64): LL_RESERVED_SPACE() of an Ethernet device with that headroom,
# a cache line (64) and the largest IPv6 header chain (40 + 4 * 2048 + 8)
# stay below 0xffff, the "unset" value of the core's 16-bit header offsets.
# Upstream netkit takes any u16.
HEADROOM_MAX = ((((0xfffe - 64 - (40 + 4 * 2048 + 8)) - 16) & ~15) + 15) - 14
HEADROOM_MSG = "netkit2 headroom beyond what the core's 16-bit header offsets can address"


def expected_dumps(mode=nl.L3, policy=nl.PASS, peer_policy=nl.PASS,
                   scrub=nl.SCRUB_DEFAULT, peer_scrub=nl.SCRUB_DEFAULT,
                   headroom=0, tailroom=0, pairing=nl.PAIR):
    """IFLA_INFO_DATA upstream fills for the primary and for the peer."""
    prim = {'PRIMARY': 1, 'POLICY': policy, 'MODE': mode,
            'HEADROOM': headroom, 'TAILROOM': tailroom, 'PAIRING': pairing}
    if pairing == nl.SINGLE:
        return prim, None
    prim.update({'SCRUB': scrub, 'PEER_POLICY': peer_policy, 'PEER_SCRUB': peer_scrub})
    peer = {'PRIMARY': 0, 'POLICY': peer_policy, 'MODE': mode, 'SCRUB': peer_scrub,
            'HEADROOM': headroom, 'TAILROOM': tailroom, 'PAIRING': pairing,
            'PEER_POLICY': policy, 'PEER_SCRUB': scrub}
    return prim, peer


def info(link):
    d = dict((link or {}).get('info_data') or {})
    d.pop('_order', None)
    return d


def check_dump(t, n, dev, want, what):
    link = n.getlink(dev)
    if not t.check(link is not None, '%s: %s exists' % (what, dev)):
        return None
    t.eq(link.get('kind'), t.kind, '%s: %s kind' % (what, dev))
    t.eq(info(link), want, '%s: %s IFLA_INFO_DATA' % (what, dev))
    return link


def new_links(before, ns=None):
    after = ifindexes(ns)
    return {i: nm for i, nm in after.items() if i not in before}


def expect_reject(t, n, what, errno, msg, fn, ns=None):
    """Run fn() (a request); expect errno [+ exact extack], no new device."""
    before = ifindexes(ns)
    r = fn()
    t.eq(r.ename, nl._errno.errorcode.get(errno), '%s: errno' % what)
    if msg is not None:
        t.eq(r.msg, msg, '%s: extack' % what)
    left = new_links(before, ns)
    if not t.check(not left, '%s: no device left behind' % what, left):
        for name in left.values():
            sh('ip %slink del %s' % ('-n %s ' % ns if ns else '', name))
    return r


def traffic_pair(t, addr='10.77.0', **kw):
    """A pair made in the init netns with options KW, primary nkh moved to
    netns h (ADDR.1/24), peer nkp to netns p (ADDR.2/24), both up, IPv4
    only: without IPv6 no router solicitation or MLD report crosses the
    pair while a test counts packets. Returns (h, p)."""
    h, p = t.ns('h'), t.ns('p')
    kw.setdefault('mode', nl.L3)
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nkh', peer={'name': 'nkp'}, **kw)
        t.require(r.errno == 0, 'create pair', r)
    for ns, dev, a in ((h, 'nkh', 1), (p, 'nkp', 2)):
        place(dev, ns, '%s.%d/24' % (addr, a))
    return h, p


def move(dev, ns, parent=None):
    """Move DEV (from netns PARENT) into netns NS, nothing else: `ip [-n
    PARENT] link set DEV netns NS` without a process."""
    with nl.NL(parent) as n:
        r = n.to_netns(dev, ns)
        if r.errno:
            raise Fail('move %s to %s: %s %s' % (dev, ns, r.ename, r.msg or ''))


def place(dev, ns, *cidrs, ipv6=False, up=True, parent=None):
    """Move DEV (from netns PARENT) into netns NS, IPv6 off on it unless
    IPV6, add the addresses CIDRS, bring it up: `ip link set netns`,
    `sysctl`, `ip addr add` and `ip link set up` without processes."""
    move(dev, ns, parent)
    if not ipv6 and ipv6_on():
        netns.sysctl(ns, 'net.ipv6.conf.%s.disable_ipv6' % dev, 1)
    with nl.NL(ns) as n:
        for c in cidrs:
            r = n.addr_add(dev, c, nodad=True)
            if r.errno:
                raise Fail('add %s to %s: %s %s' % (c, dev, r.ename, r.msg or ''))
        if up:
            r = n.up(dev)
            if r.errno:
                raise Fail('set %s up: %s %s' % (dev, r.ename, r.msg or ''))
