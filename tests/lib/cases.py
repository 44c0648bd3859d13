# SPDX-License-Identifier: GPL-2.0
"""Configuration requests with upstream netkit's answers.

A creation case is a Create, a change case a Change (the tables give
their fields in order, one row per case). extack None means upstream
sets no message (netkit2 may add one); path None means do not check the
offset.  Device names: nkxa (primary), nkxb (peer); a change's target is
'a' (the primary) or 'b' (the peer).
"""

import errno as E
from collections import namedtuple

import nl
from nl import L2, L3, PASS, DROP, REDIRECT, NEXT, SCRUB_NONE, SCRUB_DEFAULT, SINGLE, PAIR, raw, u8, NK

RO = 'Primary attribute is read-only'
RANGE = 'integer out of range'
FAILED = 'Attribute failed policy validation'
BADPOL = 'Provided default xmit policy not supported'
ONLY_PRIMARY = 'netkit link settings can be changed only through the primary device'


Create = namedtuple('Create', 'desc kw errno extack path')
Change = namedtuple('Change', 'desc create target kw errno extack path')


def fixed(what):
    return 'netkit link %s cannot be changed after device creation' % what


P = {'name': 'nkxb'}
MAC = '02:00:00:00:00:01'
PMAC = '02:00:00:00:00:02'
D = 'LINKINFO/INFO_DATA/'

CREATE_ACCEPTED = [Create(*c) for c in [
    ('defaults', dict(), 0, None, None),
    ('defaults with peer name', dict(peer=P), 0, None, None),
    ('empty PEER_INFO', dict(peer={}), 0, None, None),
    ('l2 pair', dict(mode=L2, peer=P), 0, None, None),
    ('l2 pair with addresses', dict(mode=L2, address=MAC, peer={'name': 'nkxb', 'address': PMAC}), 0, None, None),
    ('l3 pair blackhole both', dict(mode=L3, policy=DROP, peer_policy=DROP, peer=P), 0, None, None),
    ('scrub none both', dict(scrub=SCRUB_NONE, peer_scrub=SCRUB_NONE, peer=P), 0, None, None),
    ('scrub none primary only', dict(scrub=SCRUB_NONE, peer=P), 0, None, None),
    ('peer scrub none only', dict(peer_scrub=SCRUB_NONE, peer=P), 0, None, None),
    ('headroom/tailroom', dict(headroom=512, tailroom=128, peer=P), 0, None, None),
    ('explicit pairing pair', dict(pairing=PAIR, peer=P), 0, None, None),
    ('single', dict(pairing=SINGLE), 0, None, None),
    ('single l2', dict(pairing=SINGLE, mode=L2), 0, None, None),
    ('single l2 with address', dict(pairing=SINGLE, mode=L2, address=MAC), 0, None, None),
    ('single explicit forward', dict(pairing=SINGLE, policy=PASS), 0, None, None),
    ('single headroom/tailroom', dict(pairing=SINGLE, headroom=64, tailroom=16), 0, None, None),
    ('numrxqueues 1024', dict(numrx=1024, peer=P), 0, None, None),
    ('numrxqueues 8 peer 1', dict(numrx=8, peer={'name': 'nkxb', 'numrx': 1}), 0, None, None),
]]

CREATE_REJECTED = [Create(*c) for c in [
    ('l3 with IFLA_ADDRESS on primary', dict(mode=L3, address=MAC, peer=P), E.EOPNOTSUPP, None, None),
    ('default mode (l3) with IFLA_ADDRESS', dict(address=MAC), E.EOPNOTSUPP, None, None),
    ('l3 with IFLA_ADDRESS on peer', dict(mode=L3, peer={'name': 'nkxb', 'address': PMAC}), E.EOPNOTSUPP, None, None),
    ('single l3 with IFLA_ADDRESS', dict(pairing=SINGLE, address=MAC), E.EOPNOTSUPP, None, None),
    ('single with PEER_INFO', dict(pairing=SINGLE, peer=P), E.EOPNOTSUPP, None, None),
    ('single with empty PEER_INFO', dict(pairing=SINGLE, peer={}), E.EOPNOTSUPP, None, None),
    ('single with PEER_SCRUB', dict(pairing=SINGLE, peer_scrub=SCRUB_DEFAULT), E.EOPNOTSUPP, None, None),
    ('single with PEER_POLICY', dict(pairing=SINGLE, peer_policy=PASS), E.EOPNOTSUPP, None, None),
    ('single with SCRUB', dict(pairing=SINGLE, scrub=SCRUB_DEFAULT), E.EOPNOTSUPP, None, None),
    ('single with blackhole policy', dict(pairing=SINGLE, policy=DROP), E.EOPNOTSUPP, None, None),
    ('PRIMARY=1', dict(primary=1, peer=P), E.EINVAL, RO, D + 'PRIMARY'),
    ('PRIMARY=0', dict(primary=0, peer=P), E.EINVAL, RO, D + 'PRIMARY'),
    ('MODE=2', dict(mode=2, peer=P), E.ERANGE, RANGE, D + 'MODE'),
    ('MODE=0xffffffff', dict(mode=0xffffffff, peer=P), E.ERANGE, RANGE, D + 'MODE'),
    ('SCRUB=2', dict(scrub=2, peer=P), E.ERANGE, RANGE, D + 'SCRUB'),
    ('PEER_SCRUB=2', dict(peer_scrub=2, peer=P), E.ERANGE, RANGE, D + 'PEER_SCRUB'),
    ('PAIRING=2', dict(pairing=2), E.ERANGE, RANGE, D + 'PAIRING'),
    ('MODE as u8 (short)', dict(extra_data=[u8(NK['MODE'], 0)], peer=P), E.ERANGE, FAILED, D + 'MODE'),
    ('PEER_INFO shorter than ifinfomsg', dict(extra_data=[raw(NK['PEER_INFO'], b'\0' * 4)]), E.ERANGE, FAILED, D + 'PEER_INFO'),
    ('POLICY=1', dict(policy=1, peer=P), E.EINVAL, BADPOL, D + 'POLICY'),
    ('POLICY=REDIRECT', dict(policy=REDIRECT, peer=P), E.EINVAL, BADPOL, D + 'POLICY'),
    ('POLICY=NEXT', dict(policy=NEXT, peer=P), E.EINVAL, BADPOL, D + 'POLICY'),
    ('PEER_POLICY=1', dict(peer_policy=1, peer=P), E.EINVAL, BADPOL, D + 'PEER_POLICY'),
    ('PEER_POLICY=REDIRECT', dict(peer_policy=REDIRECT, peer=P), E.EINVAL, BADPOL, D + 'PEER_POLICY'),
    ('single with POLICY=1', dict(pairing=SINGLE, policy=1), E.EINVAL, BADPOL, D + 'POLICY'),
    ('l2 IFLA_ADDRESS of 5 bytes', dict(mode=L2, address=b'\x02\0\0\0\x01', peer=P), E.EINVAL, None, None),
    ('l2 peer IFLA_ADDRESS of 5 bytes', dict(mode=L2, peer={'name': 'nkxb', 'address': b'\x02\0\0\0\x02'}), E.EINVAL, None, None),
    ('l3 IFLA_ADDRESS of 5 bytes', dict(mode=L3, address=b'\x02\0\0\0\x01', peer=P), E.EINVAL, None, None),
    ('l2 multicast IFLA_ADDRESS', dict(mode=L2, address='01:00:5e:00:00:01', peer=P), E.EADDRNOTAVAIL, None, None),
    ('l2 zero IFLA_ADDRESS', dict(mode=L2, address='00:00:00:00:00:00', peer=P), E.EADDRNOTAVAIL, None, None),
    ('l2 broadcast peer IFLA_ADDRESS', dict(mode=L2, peer={'name': 'nkxb', 'address': 'ff:ff:ff:ff:ff:ff'}), E.EADDRNOTAVAIL, None, None),
    ('numrxqueues 1025', dict(numrx=1025, peer=P), E.EOPNOTSUPP, None, None),
    ('peer numrxqueues 1025', dict(peer={'name': 'nkxb', 'numrx': 1025}), E.EOPNOTSUPP, None, None),
    ('single numrxqueues 1025', dict(pairing=SINGLE, numrx=1025), E.EOPNOTSUPP, None, None),
    ('numtxqueues 2', dict(numtx=2, peer=P), E.EOPNOTSUPP, None, None),
    ('peer numtxqueues 2', dict(peer={'name': 'nkxb', 'numtx': 2}), E.EOPNOTSUPP, None, None),
    ('numrxqueues 4097', dict(numrx=4097, peer=P), E.EINVAL, 'Invalid number of receive queues', None),
    ('peer name equals primary name', dict(peer={'name': 'nkxa'}), E.EEXIST, None, None),
]]

# change cases: target 'a' = primary, 'b' = peer
CHANGE_ACCEPTED = [Change(*c) for c in [
    ('policy blackhole', dict(peer=P), 'a', dict(policy=DROP), 0, None, None),
    ('peer policy blackhole', dict(peer=P), 'a', dict(peer_policy=DROP), 0, None, None),
    ('both policies blackhole', dict(peer=P), 'a', dict(policy=DROP, peer_policy=DROP), 0, None, None),
    ('policies back to forward', dict(policy=DROP, peer_policy=DROP, peer=P), 'a', dict(policy=PASS, peer_policy=PASS), 0, None, None),
    ('empty IFLA_INFO_DATA', dict(peer=P), 'a', dict(), 0, None, None),
    ('l2 policy blackhole', dict(mode=L2, peer=P), 'a', dict(policy=DROP), 0, None, None),
]]

CHANGE_REJECTED = [Change(*c) for c in [
    ('MODE', dict(peer=P), 'a', dict(mode=L3), E.EACCES, fixed('operating mode'), D + 'MODE'),
    ('MODE on l2', dict(mode=L2, peer=P), 'a', dict(mode=L2), E.EACCES, fixed('operating mode'), D + 'MODE'),
    ('SCRUB', dict(peer=P), 'a', dict(scrub=SCRUB_DEFAULT), E.EACCES, fixed('scrubbing'), D + 'SCRUB'),
    ('PEER_SCRUB', dict(peer=P), 'a', dict(peer_scrub=SCRUB_NONE), E.EACCES, fixed('peer scrubbing'), D + 'PEER_SCRUB'),
    ('PEER_INFO', dict(peer=P), 'a', dict(peer={}), E.EACCES, fixed('peer info'), D + 'PEER_INFO'),
    ('HEADROOM', dict(peer=P), 'a', dict(headroom=0), E.EACCES, fixed('headroom'), D + 'HEADROOM'),
    ('TAILROOM', dict(peer=P), 'a', dict(tailroom=32), E.EACCES, fixed('tailroom'), D + 'TAILROOM'),
    ('PAIRING', dict(peer=P), 'a', dict(pairing=PAIR), E.EACCES, fixed('pairing'), D + 'PAIRING'),
    ('PAIRING on single', dict(pairing=SINGLE), 'a', dict(pairing=SINGLE), E.EACCES, fixed('pairing'), D + 'PAIRING'),
    ('MODE with POLICY (nothing applied)', dict(peer=P), 'a', dict(policy=DROP, mode=L3), E.EACCES, fixed('operating mode'), D + 'MODE'),
    ('POLICY through the peer', dict(peer=P), 'b', dict(policy=DROP), E.EACCES, ONLY_PRIMARY, None),
    ('empty IFLA_INFO_DATA through the peer', dict(peer=P), 'b', dict(), E.EACCES, ONLY_PRIMARY, None),
    ('MODE through the peer', dict(peer=P), 'b', dict(mode=L3), E.EACCES, ONLY_PRIMARY, None),
    ('POLICY=1', dict(peer=P), 'a', dict(policy=1), E.EINVAL, BADPOL, D + 'POLICY'),
    ('PEER_POLICY=REDIRECT', dict(peer=P), 'a', dict(peer_policy=REDIRECT), E.EINVAL, BADPOL, D + 'PEER_POLICY'),
    ('POLICY ok, PEER_POLICY bad', dict(peer=P), 'a', dict(policy=DROP, peer_policy=1), E.EINVAL, BADPOL, D + 'PEER_POLICY'),
    ('PRIMARY', dict(peer=P), 'a', dict(primary=1), E.EINVAL, RO, D + 'PRIMARY'),
    ('MODE=7 (policy range)', dict(peer=P), 'a', dict(mode=7), E.ERANGE, RANGE, D + 'MODE'),
    ('POLICY on single', dict(pairing=SINGLE), 'a', dict(policy=PASS), E.EOPNOTSUPP, None, None),
    ('POLICY blackhole on single', dict(pairing=SINGLE), 'a', dict(policy=DROP), E.EOPNOTSUPP, None, None),
    ('PEER_POLICY on single', dict(pairing=SINGLE), 'a', dict(peer_policy=PASS), E.EOPNOTSUPP, None, None),
    ('MODE on single', dict(pairing=SINGLE), 'a', dict(mode=L3), E.EACCES, fixed('operating mode'), D + 'MODE'),
]]


# Rejected changes that upstream netkit applies in part (it writes the
# primary's policy before validating the peer's). netkit2 validates the
# whole request first and leaves the device unchanged: same errno and
# extack, different state afterwards.
UPSTREAM_PARTIAL_CHANGE = {'POLICY ok, PEER_POLICY bad'}


def do_create(n, kind, kw):
    kw = dict(kw)
    extra = kw.pop('extra_data', None)
    if extra is not None:
        peer = kw.pop('peer', None)
        data = nl.Data(peer=peer, **{k: kw.pop(k) for k in list(kw)
                                     if k in ('mode', 'policy', 'peer_policy', 'scrub',
                                              'peer_scrub', 'headroom', 'tailroom',
                                              'pairing', 'primary')}) + list(extra)
        return n.newlink(kind, name='nkxa', data=data, **kw)
    return n.newlink(kind, name='nkxa', **kw)


def peer_name(n):
    a = n.getlink('nkxa')
    if not a or not a.get('link'):
        return None
    b = n.getlink(index=a['link'])
    return b and b['ifname']


def do_change(n, kind, target, kw):
    dev = 'nkxa' if target == 'a' else peer_name(n)
    return n.changelink(kind, name=dev, data=nl.Data(**kw))
