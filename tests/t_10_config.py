# SPDX-License-Identifier: GPL-2.0
"""Creation, dump and deletion of every mode/option combination (netlink)."""

import itertools
import re

import nl
from harness import test, add
from kit import HEADROOM_MAX, expected_dumps, check_dump, info, new_links
from harness import ifindexes


@test('config: defaults (no IFLA_INFO_DATA) give an L3 forward scrub-default pair')
def t_defaults(t):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkta'))
        t.require(r.errno == 0, 'create', r)
        prim, peer = expected_dumps()
        link = check_dump(t, n, 'nkta', prim, 'defaults')
        peerdev = n.getlink(index=link['link'])
        t.require(peerdev is not None, 'peer found via IFLA_LINK')
        t.check(re.fullmatch(r'nk\d+', peerdev['ifname']), 'peer default name nk%d', peerdev['ifname'])
        t.eq(info(peerdev), peer, 'peer IFLA_INFO_DATA')
        t.eq(peerdev.get('link'), link['index'], 'peer IFLA_LINK is the primary')
        t.check(link['flags'] & nl.IFF_NOARP, 'L3 primary has IFF_NOARP')
        t.check(peerdev['flags'] & nl.IFF_NOARP, 'L3 peer has IFF_NOARP')
        t.eq(link.get('address'), '00:00:00:00:00:00', 'L3 primary has no MAC')
        t.eq(link.get('carrier'), 0, 'carrier off while down')
        t.eq(link.get('max_mtu'), 65535, 'max_mtu')
        t.eq(link.get('num_tx_queues'), 1, 'num_tx_queues')
        t.eq(link.get('num_rx_queues'), 1, 'num_rx_queues')


@test('config: no names at all gives nk%d for both devices')
def t_default_names(t):
    before = ifindexes()
    with nl.NL() as n:
        r = n.newlink(t.kind, data=[])
        t.require(r.errno == 0, 'create', r)
        new = new_links(before)
        t.eq(len(new), 2, 'two devices created')
        for name in new.values():
            t.dev(name)
            t.check(re.fullmatch(r'nk\d+', name), 'name %s matches nk%%d' % name)


def matrix_case(mode, pol, ppol, scrub, pscrub, head, tail):
    def fn(t):
        kw = dict(mode=mode, policy=pol, peer_policy=ppol, scrub=scrub,
                  peer_scrub=pscrub)
        if head is not None:
            kw['headroom'] = head
        if tail is not None:
            kw['tailroom'] = tail
        with nl.NL() as n:
            r = n.newlink(t.kind, name=t.dev('nkma'), peer={'name': 'nkmb'}, **kw)
            t.require(r.errno == 0, 'create', r)
            prim, peer = expected_dumps(mode, pol, ppol, scrub, pscrub, head or 0, tail or 0)
            a = check_dump(t, n, 'nkma', prim, 'primary')
            b = check_dump(t, n, 'nkmb', peer, 'peer')
            if a and b:
                t.eq(a.get('link'), b['index'], 'primary iflink')
                t.eq(b.get('link'), a['index'], 'peer iflink')
                noarp = nl.IFF_NOARP if mode == nl.L3 else 0
                t.eq(a['flags'] & nl.IFF_NOARP, noarp, 'primary NOARP flag')
                t.eq(b['flags'] & nl.IFF_NOARP, noarp, 'peer NOARP flag')
                if mode == nl.L2:
                    t.check(a['address'] != '00:00:00:00:00:00', 'L2 primary random MAC')
                    t.check(b['address'] != '00:00:00:00:00:00', 'L2 peer random MAC')
                    t.check(a['address'] != b['address'], 'L2 MACs differ')
            r = n.dellink('nkma')
            t.eq(r.errno, 0, 'delete primary')
            t.check(n.getlink('nkma') is None and n.getlink('nkmb') is None, 'both gone')
    return fn


for mode, pol, ppol, scrub, pscrub in itertools.product(
        (nl.L2, nl.L3), (nl.PASS, nl.DROP), (nl.PASS, nl.DROP),
        (nl.SCRUB_NONE, nl.SCRUB_DEFAULT), (nl.SCRUB_NONE, nl.SCRUB_DEFAULT)):
    add('config: pair mode=%s policy=%s peer_policy=%s scrub=%s peer_scrub=%s'
        % ('l2' if mode == nl.L2 else 'l3', pol, ppol, scrub, pscrub),
        matrix_case(mode, pol, ppol, scrub, pscrub, None, None))
# the largest headroom the core can honour (upstream takes any u16)
for head, tail in ((128, None), (None, 64), (256, 96), (HEADROOM_MAX, 65535)):
    for mode in (nl.L2, nl.L3):
        add('config: pair mode=%s headroom=%s tailroom=%s' % (mode, head, tail),
            matrix_case(mode, nl.PASS, nl.PASS, nl.SCRUB_DEFAULT, nl.SCRUB_DEFAULT, head, tail))


def single_case(mode, head, tail, explicit):
    def fn(t):
        kw = {'pairing': nl.SINGLE}
        if mode is not None:
            kw['mode'] = mode
        if explicit:
            kw['policy'] = nl.PASS
        if head:
            kw['headroom'] = head
        if tail:
            kw['tailroom'] = tail
        before = ifindexes()
        with nl.NL() as n:
            r = n.newlink(t.kind, name=t.dev('nksa'), **kw)
            t.require(r.errno == 0, 'create', r)
            t.eq(list(new_links(before).values()), ['nksa'], 'exactly one device')
            prim, _ = expected_dumps(mode if mode is not None else nl.L3, pairing=nl.SINGLE,
                                     headroom=head or 0, tailroom=tail or 0)
            link = check_dump(t, n, 'nksa', prim, 'single')
            if link:
                t.check(link.get('link', 0) in (0, link['index']), 'no peer iflink', link.get('link'))
                t.check('link_netnsid' not in link, 'no link-netnsid')
            r = n.up('nksa')
            t.eq(r.errno, 0, 'single up')
            link = n.getlink('nksa')
            t.eq(link.get('carrier'), 1, 'single device has carrier when up')
            t.check(link['flags'] & nl.IFF_LOWER_UP, 'single LOWER_UP')
            t.eq(n.dellink('nksa').errno, 0, 'delete single')
    return fn


add('config: single default mode', single_case(None, 0, 0, False))
add('config: single l2', single_case(nl.L2, 0, 0, False))
add('config: single l3 with explicit forward policy', single_case(nl.L3, 0, 0, True))
add('config: single l2 headroom/tailroom', single_case(nl.L2, 192, 32, False))


@test('config: explicit names and L2 addresses are honoured')
def t_explicit_names_l2_addresses(t):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkna'), address='02:11:22:33:44:55', mode=nl.L2,
                      peer={'name': 'nknb', 'address': '02:66:77:88:99:aa'})
        t.require(r.errno == 0, 'create', r)
        t.eq(n.getlink('nkna').get('address'), '02:11:22:33:44:55', 'primary address')
        t.eq(n.getlink('nknb').get('address'), '02:66:77:88:99:aa', 'peer address')


def queues_case(numrx, peer_numrx, single=False):
    def fn(t):
        kw = {'pairing': nl.SINGLE} if single else {}
        peer = None if (single or peer_numrx is None) else {'name': 'nkqb', 'numrx': peer_numrx}
        with nl.NL() as n:
            r = n.newlink(t.kind, name=t.dev('nkqa'), numrx=numrx, peer=peer, **kw)
            t.require(r.errno == 0, 'create numrxqueues=%s' % numrx, r)
            a = n.getlink('nkqa')
            t.eq(a.get('num_rx_queues'), numrx, 'primary num_rx_queues')
            t.eq(a.get('num_tx_queues'), 1, 'primary num_tx_queues')
            if not single:
                b = n.getlink(index=a['link'])
                want = peer_numrx if peer_numrx is not None else numrx
                t.eq(b.get('num_rx_queues'), want, 'peer num_rx_queues')
    return fn


for q in (1, 8, 1024):
    add('config: numrxqueues %d (pair, peer inherits)' % q, queues_case(q, None))
    add('config: numrxqueues %d (single)' % q, queues_case(q, None, single=True))
add('config: numrxqueues 8, peer numrxqueues 1024', queues_case(8, 1024))
add('config: numrxqueues 1024, peer numrxqueues 1', queues_case(1024, 1))


@test('config: explicit numtxqueues 1 is accepted')
def t_numtxqueues_1(t):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=t.dev('nkqt'), numtx=1, peer={'name': 'nkqu', 'numtx': 1})
        t.check(r.errno == 0, 'create', r)
