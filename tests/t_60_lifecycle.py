# SPDX-License-Identifier: GPL-2.0
"""Deletion paths, netns teardown, ethtool."""

import re

import netns
import nl
from harness import test, add, sh, Skip, ifindexes, kind_links, link_exists, wait_until
from kit import move, new_links


def mk(t, n, a, b, **kw):
    r = n.newlink(t.kind, name=a, peer={'name': b}, **kw)
    t.require(r.errno == 0, 'create %s/%s' % (a, b), r)


def del_case(which, mode):
    def fn(t):
        before = ifindexes()
        with nl.NL() as n:
            mk(t, n, 'nkda', 'nkdb', mode=mode)
            n.up('nkda')
            n.up('nkdb')
            r = n.dellink('nkda' if which == 'primary' else 'nkdb')
            t.eq(r.errno, 0, 'ip link del %s' % which)
            t.check(n.getlink('nkda') is None, 'primary gone')
            t.check(n.getlink('nkdb') is None, 'peer gone')
        t.eq(new_links(before), {}, 'no device left')
        p = sh('ip link del nkdb')
        t.check(p.returncode != 0, 'second delete fails')
    return fn


add('lifecycle: deleting the primary removes both (l3)', del_case('primary', nl.L3))
add('lifecycle: deleting the peer removes both (l3)', del_case('peer', nl.L3))
add('lifecycle: deleting the primary removes both (l2)', del_case('primary', nl.L2))
add('lifecycle: deleting the peer removes both (l2)', del_case('peer', nl.L2))


@test('lifecycle: deleting a single device')
def t_deleting_single_device(t):
    before = ifindexes()
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nksd', pairing=nl.SINGLE)
        t.require(r.errno == 0, 'create', r)
        n.up('nksd')
        t.eq(n.dellink('nksd').errno, 0, 'delete')
    t.eq(new_links(before), {}, 'no device left')


def netns_case(side):
    def fn(t):
        p = t.ns('p')
        before = ifindexes()
        with nl.NL() as n:
            mk(t, n, 'nkna', 'nknb')
        dev = 'nknb' if side == 'peer' else 'nkna'
        move(dev, p)
        sh('ip -n %s link set %s up' % (p, dev), check=True)
        other = 'nkna' if side == 'peer' else 'nknb'
        t.check(link_exists(other), '%s still in init netns' % other)
        sh('ip netns del %s' % p, check=True)
        t.netns.remove(p)
        wait_until(lambda: not link_exists(other), 5)
        t.check(not link_exists(other), 'deleting the netns removed %s too' % other)
        t.eq(new_links(before), {}, 'no device left')
    return fn


add('lifecycle: peer in another netns, deleting that netns removes the pair', netns_case('peer'))
add('lifecycle: primary moved to another netns, deleting it removes the pair', netns_case('primary'))


@test('lifecycle: peer created directly in another netns (IFLA_NET_NS_FD in PEER_INFO)')
def t_peer_in_other_netns(t):
    p = t.ns('p')
    fd = nl.netns_fd(p)
    try:
        with nl.NL() as n:
            r = n.newlink(t.kind, name=t.dev('nkfa'), peer={'name': 'nkfb', 'netns_fd': fd})
            t.require(r.errno == 0, 'create', r)
            a = n.getlink('nkfa')
            t.check('link_netnsid' in a, 'primary has link-netnsid', a)
            t.check(n.getlink('nkfb') is None, 'peer not in init netns')
        with nl.NL(p) as m:
            b = m.getlink('nkfb')
            t.check(b is not None and b['index'] == a.get('link'), 'peer in target netns with the iflink index', b)
    finally:
        import os
        os.close(fd)


def many_case(inside):
    def fn(t):
        N = 16
        p = t.ns('p')
        before = ifindexes()
        with nl.NL() as n:
            for i in range(N):
                mk(t, n, 'nkm%da' % i, 'nkm%db' % i, mode=nl.L2 if i % 2 else nl.L3)
        with nl.NL() as n:
            for i in range(N):
                t.eq(n.to_netns('nkm%db' % i, p).errno, 0, 'move nkm%db' % i)
                if inside:
                    t.eq(n.to_netns('nkm%da' % i, p).errno, 0, 'move nkm%da' % i)
        with nl.NL(p) as n:
            for i in range(N):
                n.up('nkm%db' % i)
        t.eq(len(kind_links(p)), N * (2 if inside else 1), 'devices in netns')
        netns.delete(p)
        t.netns.remove(p)
        wait_until(lambda: not new_links(before), 10, 0.1)
        t.eq(new_links(before), {}, 'netns deletion removed all %d pairs' % N)
    return fn


add('lifecycle: netns deletion with many pairs (peers inside)', many_case(False))
add('lifecycle: netns deletion with many pairs (both ends inside)', many_case(True))


@test('lifecycle: ethtool -i driver name', needs=())
def t_ethtool_driver(t):
    with nl.NL() as n:
        mk(t, n, t.dev('nkea'), 'nkeb')
    p = sh('ethtool -i nkea')
    t.require(p.returncode == 0, 'ethtool -i', p.stderr)
    m = re.search(r'^driver:\s*(\S+)', p.stdout, re.M)
    t.eq(m and m.group(1), t.kind, 'driver name')


@test('lifecycle: ethtool -l channels (only if implemented)')
def t_ethtool_channels(t):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkla'), numrx=8, peer={'name': 'nklb'})
        t.require(r.errno == 0, 'create', r)
    p = sh('ethtool -l nkla')
    if p.returncode != 0:
        if t.kind == 'netkit':
            t.check('not supported' in (p.stdout + p.stderr), 'upstream: not supported', p.stderr)
            return
        raise Skip('channels not implemented')
    m = re.search(r'Pre-set maximums:.*?RX:\s*(\S+)', p.stdout, re.S)
    t.check(m is not None, 'ethtool -l prints RX maximum', p.stdout)


@test('lifecycle: ip link set name / address on l2 and l3')
def t_set_name_address(t):
    with nl.NL() as n:
        mk(t, n, 'nkra', 'nkrb', mode=nl.L2)
        mk(t, n, 'nkrc', 'nkrd', mode=nl.L3)
    t.dev('nkrx')
    t.dev('nkrc')
    t.check(sh('ip link set nkra name nkrx').returncode == 0, 'rename primary')
    t.eq(sh("ip -j link show dev nkrb").returncode, 0, 'peer still there')
    t.check('nkrb@nkrx' in sh('ip link show dev nkrb').stdout, 'peer iflink follows rename')
    t.check(sh('ip link set nkrx address 02:12:34:56:78:9a').returncode == 0, 'L2 MAC change allowed')
    p = sh('ip link set nkrc address 02:12:34:56:78:9a')
    t.check(p.returncode != 0, 'L3 MAC change refused', p.stderr)
