# SPDX-License-Identifier: GPL-2.0
"""scrub: skb->mark / skb->priority across netns (default clears, none keeps).

Observed with tc ingress filters on the receiving device: basic
meta(nf_mark) / meta(priority) matches with 'action continue' counters.
The sender sets SO_MARK and SO_PRIORITY on a UDP socket."""

import re
import socket

import netns
import nl
from harness import add, sh, Fail
from kit import move, traffic_pair

MARK = 0x42
PRIO = 5
COUNT = 5

def filters(t, dev, ns):
    """clsact on DEV with the four counting filters: one tc process."""
    x = 'ip netns exec %s ' % ns if ns else ''
    rules = [(1, "meta(nf_mark eq %d)" % MARK), (2, "meta(priority eq %d)" % PRIO),
             (3, "meta(nf_mark eq 0)"), (4, "meta(priority eq 0)")]
    cmds = ['qdisc add dev %s clsact' % dev]
    cmds += ["filter add dev %s ingress pref %d protocol ip basic match '%s' action continue"
             % (dev, pref, m) for pref, m in rules]
    p = sh(x + 'tc -b -', input='\n'.join(cmds) + '\n')
    if p.returncode:
        raise Fail('tc filter (cls_basic/em_meta needed): ' + p.stderr.strip())


def counts(dev, ns):
    x = 'ip netns exec %s ' % ns if ns else ''
    out = sh(x + 'tc -s filter show dev %s ingress' % dev).stdout
    res = {}
    pref = None
    for line in out.splitlines():
        m = re.search(r'pref (\d+)', line)
        if m:
            pref = int(m.group(1))
        m = re.search(r'Sent \d+ bytes (\d+) pkt', line)
        if m and pref is not None:
            res[pref] = int(m.group(1))
    return {'mark': res.get(1, 0), 'prio': res.get(2, 0), 'mark0': res.get(3, 0), 'prio0': res.get(4, 0)}


def send(ns, dst):
    """COUNT UDP datagrams from netns NS to DST with SO_MARK and SO_PRIORITY."""
    s = netns.sock(ns, socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, MARK)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, PRIO)
        for _ in range(COUNT):
            s.sendto(b'scrub-test', (dst, 9))
    except OSError as e:
        raise Fail('sender: %s' % e)
    finally:
        s.close()


def setup(t, primary_scrub, peer_scrub):
    kw = {}
    if primary_scrub is not None:
        kw['scrub'] = primary_scrub
    if peer_scrub is not None:
        kw['peer_scrub'] = peer_scrub
    return traffic_pair(t, **kw)


def check_counts(t, c, kept, what):
    if kept:
        t.check(c['mark'] >= COUNT, '%s: mark 0x%x kept' % (what, MARK), c)
        t.check(c['prio'] >= COUNT, '%s: priority %d kept' % (what, PRIO), c)
    else:
        t.eq(c['mark'], 0, '%s: no packet arrives with mark 0x%x' % (what, MARK))
        t.eq(c['prio'], 0, '%s: no packet arrives with priority %d' % (what, PRIO))
        t.check(c['mark0'] >= COUNT, '%s: packets arrive with mark 0' % what, c)
        t.check(c['prio0'] >= COUNT, '%s: packets arrive with priority 0' % what, c)


def xns_case(primary_scrub, peer_scrub):
    def fn(t):
        h, p = setup(t, primary_scrub, peer_scrub)
        filters(t, 'nkp', p)
        filters(t, 'nkh', h)
        send(h, '10.77.0.2')
        check_counts(t, counts('nkp', p), primary_scrub == nl.SCRUB_NONE,
                     'primary -> peer (scrub %s)' % ('none' if primary_scrub == 0 else 'default'))
        send(p, '10.77.0.1')
        check_counts(t, counts('nkh', h), peer_scrub == nl.SCRUB_NONE,
                     'peer -> primary (peer scrub %s)' % ('none' if peer_scrub == 0 else 'default'))
    return fn


add('scrub: default/default clears mark and priority across netns both ways',
    xns_case(None, None))
add('scrub: none/none keeps mark and priority across netns both ways',
    xns_case(nl.SCRUB_NONE, nl.SCRUB_NONE))
add('scrub: scrub none only keeps them primary -> peer, peer -> primary cleared',
    xns_case(nl.SCRUB_NONE, nl.SCRUB_DEFAULT))
add('scrub: peer scrub none only keeps them peer -> primary, primary -> peer cleared',
    xns_case(nl.SCRUB_DEFAULT, nl.SCRUB_NONE))


def samens_case(scrub):
    def fn(t):
        h = t.ns('h')
        with nl.NL() as n:
            kw = {} if scrub is None else {'scrub': scrub, 'peer_scrub': scrub}
            r = n.newlink(t.kind, name='nkh', peer={'name': 'nkp'}, **kw)
            t.require(r.errno == 0, 'create', r)
        move('nkp', h)
        move('nkh', h)
        sh('ip -n %s link set nkh up' % h, check=True)
        sh('ip -n %s link set nkp up' % h, check=True)
        sh('ip -n %s addr add 10.80.0.1/24 dev nkh' % h, check=True)
        filters(t, 'nkp', h)
        send(h, '10.80.0.99')
        check_counts(t, counts('nkp', h), True, 'same netns (scrub %s)' % scrub)
    return fn


add('scrub: default does not clear mark/priority within the same netns', samens_case(None))
add('scrub: none within the same netns keeps mark/priority', samens_case(nl.SCRUB_NONE))
