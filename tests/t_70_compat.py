# SPDX-License-Identifier: GPL-2.0
"""Kernels with upstream netkit: the same requests against kind netkit and
kind netkit2 give the same errno, extack (where upstream has one), offset
and IFLA_INFO_DATA dumps.  Both kinds coexist."""

import nl
from harness import add, test, sh, Fail, link_json
import cases
from kit import move


def snapshot(n):
    out = {}
    a = n.getlink('nkxa')
    if a:
        out['a'] = a.get('info_data')
        out['a_q'] = (a.get('num_rx_queues'), a.get('num_tx_queues'))
        out['a_flags'] = a['flags'] & (nl.IFF_NOARP | nl.IFF_UP | nl.IFF_LOWER_UP)
        out['a_mac0'] = a.get('address') == '00:00:00:00:00:00'
        b = n.getlink(index=a['link']) if a.get('link') else None
        if b:
            out['b_name'] = b['ifname'] if not b['ifname'].startswith('nk') or b['ifname'] == 'nkxb' else 'nk%d'
            out['b'] = b.get('info_data')
            out['b_q'] = (b.get('num_rx_queues'), b.get('num_tx_queues'))
            out['b_flags'] = b['flags'] & (nl.IFF_NOARP | nl.IFF_UP | nl.IFF_LOWER_UP)
    return out


def cleanup(n):
    n.dellink('nkxa')
    n.dellink('nkxb')


def run_both(t, fn):
    res = {}
    with nl.NL() as n:
        for kind in ('netkit', 'netkit2'):
            try:
                r = fn(n, kind)
                res[kind] = (r, snapshot(n))
            finally:
                cleanup(n)
    return res


def compare(t, res, what, same_state=True):
    (ru, su), (rm, sm) = res['netkit'], res['netkit2']
    t.eq(rm.ename, ru.ename, '%s: errno netkit2 vs netkit' % what)
    if ru.msg:
        t.eq(rm.msg, ru.msg, '%s: extack netkit2 vs netkit' % what)
    if ru.attr_path:
        t.eq(rm.attr_path, ru.attr_path, '%s: extack offset netkit2 vs netkit' % what)
    if same_state:
        t.eq(sm, su, '%s: resulting devices / IFLA_INFO_DATA netkit2 vs netkit' % what)


def create_case(c):
    def fn(t):
        res = run_both(t, lambda n, kind: cases.do_create(n, kind, c.kw))
        compare(t, res, c.desc)
    return fn


def change_case(c):
    def fn(t):
        def go(n, kind):
            r = cases.do_create(n, kind, c.create)
            if r.errno:
                raise Fail('setup create %s: %r' % (kind, r))
            return cases.do_change(n, kind, c.target, c.kw)
        compare(t, run_both(t, go), c.desc,
                same_state=c.desc not in cases.UPSTREAM_PARTIAL_CHANGE)
    return fn


for c in cases.CREATE_ACCEPTED + cases.CREATE_REJECTED:
    add('compat: create ' + c.desc, create_case(c), needs=('netkit', 'module'))
for c in cases.CHANGE_ACCEPTED + cases.CHANGE_REJECTED:
    add('compat: change ' + c.desc, change_case(c), needs=('netkit', 'module'))


@test('compat: netkit and netkit2 pairs coexist and both carry traffic', needs=('netkit', 'module'))
def t_coexist_with_netkit(t):
    h, p = t.ns('h'), t.ns('p')
    with nl.NL() as n:
        for kind, a, b in (('netkit', 'nkua', 'nkub'), ('netkit2', 'nk2a', 'nk2b')):
            r = n.newlink(kind, name=a, peer={'name': b})
            t.require(r.errno == 0, 'create %s' % kind, r)
    for i, (a, b) in enumerate((('nkua', 'nkub'), ('nk2a', 'nk2b'))):
        move(a, h)
        move(b, p)
        sh('ip -n %s addr add 10.81.%d.1/24 dev %s' % (h, i, a), check=True)
        sh('ip -n %s addr add 10.81.%d.2/24 dev %s' % (p, i, b), check=True)
        sh('ip -n %s link set %s up' % (h, a), check=True)
        sh('ip -n %s link set %s up' % (p, b), check=True)
    for i, kind, dev in ((0, 'netkit', 'nkua'), (1, 'netkit2', 'nk2a')):
        t.eq(link_json(dev, h)['linkinfo']['info_kind'], kind, '%s kind' % dev)
        q = sh('ip netns exec %s ping -c 2 -i 0.2 -W 3 10.81.%d.2' % (h, i), timeout=30)
        t.check(q.returncode == 0, 'ping over %s' % kind, q.stdout)
        e = sh('ip netns exec %s ethtool -i %s' % (h, dev)).stdout
        t.check(('driver: %s\n' % kind) in e, 'ethtool driver %s' % kind, e)
