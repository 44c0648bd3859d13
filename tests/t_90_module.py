# SPDX-License-Identifier: GPL-2.0
"""Module unload with live devices, refcount, reload (netkit2 only)."""

import os

import nl
from harness import test, sh, kind_links, ifindexes
from kit import move


def refcnt():
    try:
        with open('/sys/module/netkit2/refcnt') as f:
            return int(f.read())
    except FileNotFoundError:
        return None


@test('module: refcount is 0 once devices are gone', needs=('module',))
def t_refcount_zero(t):
    sh('modprobe netkit2', check=True)
    p = t.ns('p')
    with nl.NL() as n:
        for i in range(3):
            r = n.newlink('netkit2', name='nkr%da' % i, peer={'name': 'nkr%db' % i})
            t.require(r.errno == 0, 'create', r)
        move('nkr0b', p)
        sh('ip link set nkr0a up')
        for i in range(3):
            n.dellink('nkr%da' % i)
    t.eq(refcnt(), 0, '/sys/module/netkit2/refcnt')


@test('module: rmmod with live devices in several netns removes them all', needs=('module',))
def t_rmmod_with_devices(t):
    sh('modprobe netkit2', check=True)
    before = ifindexes()
    a, b = t.ns('ma'), t.ns('mb')
    with nl.NL() as n:
        for i in range(4):
            r = n.newlink('netkit2', name='nku%da' % i, mode=i % 2, peer={'name': 'nku%db' % i})
            t.require(r.errno == 0, 'create', r)
        for mode in (0, 1):
            r = n.newlink('netkit2', name='nkus%d' % mode, mode=mode, pairing=nl.SINGLE)
            t.require(r.errno == 0, 'create single', r)
    move('nku0b', a)
    move('nku1b', b)
    move('nku2a', a)
    move('nku2b', b)
    move('nkus1', b)
    sh('ip -n %s addr add 10.82.0.1/24 dev nku0b && ip -n %s link set nku0b up' % (a, a))
    sh('ip link set nku0a up')
    p = sh('rmmod netkit2', timeout=120)
    t.require(p.returncode == 0, 'rmmod netkit2', p.stderr)
    t.check(not os.path.exists('/sys/module/netkit2'), 'module gone')
    for ns in (None, a, b):
        t.eq(kind_links(ns, ('netkit2',)), [], 'no netkit2 device left in %s' % (ns or 'init netns'))
    t.eq({i: nm for i, nm in ifindexes().items() if i not in before}, {}, 'no new device in init netns')
    p = sh('modprobe netkit2')
    t.require(p.returncode == 0, 'modprobe netkit2 again', p.stderr)
    with nl.NL() as n:
        r = n.newlink('netkit2', name=t.dev('nkva'), peer={'name': 'nkvb'})
        t.eq(r.errno, 0, 'create after reload')
    p = sh('ip link del nkva')
    t.eq(refcnt(), 0, 'refcnt 0 after reload and delete')


@test('module: autoload by ip link add after rmmod', needs=('module',))
def t_autoload(t):
    sh('rmmod netkit2')
    p = sh('ip link add %s type netkit2 peer name nkwb' % t.dev('nkwa'))
    t.check(p.returncode == 0, 'ip link add autoloads the module', p.stderr)
    t.check(os.path.exists('/sys/module/netkit2'), 'module loaded')
