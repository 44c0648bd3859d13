# SPDX-License-Identifier: GPL-2.0
"""ip(8) syntax and ip -d / ip -j -d output (plugin for netkit2, iproute2's
own netkit support for --kind netkit; options it lacks are skipped)."""

import re

from harness import add, test, sh, Skip, link_json


def ipadd(t, args):
    p = sh('ip link add %s' % args.replace('KIND', t.kind))
    if p.returncode and t.kind == 'netkit' and re.search(
            r'unknown option|Usage|must be|Garbage|invalid argument|duplicate', p.stderr + p.stdout, re.I):
        raise Skip("this iproute2's netkit does not parse: %s" % args)
    t.require(p.returncode == 0, 'ip link add %s' % args, p.stderr.strip())


def info(t, dev):
    j = link_json(dev)
    li = j.get('linkinfo', {})
    t.eq(li.get('info_kind'), t.kind, '%s info_kind' % dev)
    return li.get('info_data', {})


def check_keys(t, d, want, what):
    for k, v in want.items():
        if k not in d and t.kind == 'netkit' and k in ('headroom', 'tailroom', 'pairing', 'scrub', 'peer_scrub'):
            t.note("iproute2 does not print %s for netkit" % k)
            continue
        t.eq(d.get(k), v, '%s: %s' % (what, k))


def case(args, prim, peer, text=None):
    def fn(t):
        t.dev('nkia')
        ipadd(t, args)
        check_keys(t, info(t, 'nkia'), prim, 'primary')
        if peer is not None:
            check_keys(t, info(t, 'nkib'), peer, 'peer')
        if text:
            out = sh('ip -d link show dev nkia').stdout
            for word in text:
                t.check(word in out, 'ip -d text has %r' % word, out)
    return fn


add('ip: defaults (pair l3 forward scrub default)',
    case('nkia type KIND peer name nkib',
         dict(mode='l3', type='primary', policy='forward', peer_policy='forward',
              scrub='default', peer_scrub='default', headroom=0, tailroom=0, pairing='pair'),
         dict(mode='l3', type='peer', policy='forward', peer_policy='forward',
              scrub='default', peer_scrub='default', pairing='pair'),
         ['mode l3', 'type primary', 'policy forward', 'peer policy forward']))
add('ip: mode l2 blackhole peer blackhole name',
    case('nkia type KIND mode l2 blackhole peer blackhole name nkib',
         dict(mode='l2', type='primary', policy='blackhole', peer_policy='blackhole'),
         dict(mode='l2', type='peer', policy='blackhole', peer_policy='blackhole'),
         ['mode l2', 'policy blackhole', 'peer policy blackhole']))
add('ip: l3 forward peer blackhole',
    case('nkia type KIND mode l3 forward peer blackhole name nkib',
         dict(mode='l3', policy='forward', peer_policy='blackhole'),
         dict(policy='blackhole', peer_policy='forward'), None))
add('ip: scrub none peer scrub none',
    case('nkia type KIND scrub none peer scrub none name nkib',
         dict(scrub='none', peer_scrub='none'), dict(scrub='none', peer_scrub='none'),
         ['scrub none', 'peer scrub none']))
add('ip: scrub none only',
    case('nkia type KIND scrub none peer name nkib',
         dict(scrub='none', peer_scrub='default'), dict(scrub='default', peer_scrub='none'), None))
add('ip: headroom/tailroom shown',
    case('nkia type KIND headroom 128 tailroom 64 peer name nkib',
         dict(headroom=128, tailroom=64), dict(headroom=128, tailroom=64),
         ['headroom 128', 'tailroom 64']))
add('ip: single',
    case('nkia type KIND single',
         dict(type='primary', pairing='single', policy='forward', mode='l3'), None,
         ['pairing single']))
add('ip: single mode l2',
    case('nkia type KIND mode l2 single',
         dict(pairing='single', mode='l2'), None, None))


@test('ip: single shows no scrub/peer keys')
def t_single_shows_no_scrub(t):
    t.dev('nkia')
    ipadd(t, 'nkia type KIND single')
    d = info(t, 'nkia')
    for k in ('scrub', 'peer_scrub', 'peer_policy'):
        t.check(k not in d, 'no %s key' % k, d)


@test('ip: link set type blackhole peer forward, and back')
def t_set_blackhole_and_back(t):
    t.dev('nkia')
    ipadd(t, 'nkia type KIND peer name nkib')
    p = sh('ip link set nkia type %s blackhole peer forward' % t.kind)
    t.require(p.returncode == 0, 'ip link set', p.stderr)
    check_keys(t, info(t, 'nkia'), dict(policy='blackhole', peer_policy='forward'), 'after set')
    check_keys(t, info(t, 'nkib'), dict(policy='forward', peer_policy='blackhole'), 'peer after set')
    p = sh('ip link set nkia type %s forward peer blackhole' % t.kind)
    t.require(p.returncode == 0, 'ip link set 2', p.stderr)
    check_keys(t, info(t, 'nkia'), dict(policy='forward', peer_policy='blackhole'), 'after set 2')


@test('ip: link set through the peer is refused with upstream extack')
def t_set_through_peer_refused(t):
    t.dev('nkia')
    ipadd(t, 'nkia type KIND peer name nkib')
    p = sh('ip link set nkib type %s blackhole' % t.kind)
    t.check(p.returncode != 0, 'refused')
    t.check('netkit link settings can be changed only through the primary device' in p.stderr,
            'extack printed', p.stderr)


@test('ip: link set mode is refused with upstream extack')
def t_link_set_mode_refused(t):
    t.dev('nkia')
    ipadd(t, 'nkia type KIND peer name nkib')
    p = sh('ip link set nkia type %s mode l2' % t.kind)
    t.check(p.returncode != 0, 'refused')
    t.check('netkit link operating mode cannot be changed after device creation' in p.stderr,
            'extack printed', p.stderr)


@test('ip: address on l3 refused, on l2 honoured')
def t_address_l3_l2(t):
    t.dev('nkia')
    p = sh('ip link add nkia address 02:00:00:00:00:11 type %s peer name nkib' % t.kind)
    t.check(p.returncode != 0, 'l3 with address refused')
    t.check(sh('ip link show nkib').returncode != 0, 'nothing created')
    ipadd(t, 'nkia address 02:00:00:00:00:11 type KIND mode l2 peer address 02:00:00:00:00:22 name nkib')
    t.eq(link_json('nkia').get('address'), '02:00:00:00:00:11', 'primary address')
    t.eq(link_json('nkib').get('address'), '02:00:00:00:00:22', 'peer address')


@test('ip: numrxqueues via ip')
def t_numrxqueues_via_ip(t):
    t.dev('nkia')
    ipadd(t, 'nkia numrxqueues 8 type KIND peer name nkib')
    t.eq(link_json('nkia').get('num_rx_queues'), 8, 'num_rx_queues')
    p = sh('ip link add nkic numrxqueues 1025 type %s peer name nkid' % t.kind)
    t.check(p.returncode != 0, 'numrxqueues 1025 refused')
    t.check(sh('ip link show nkid').returncode != 0 and sh('ip link show nkic').returncode != 0,
            'nothing created')
