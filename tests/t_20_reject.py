# SPDX-License-Identifier: GPL-2.0
"""Every rejected request: upstream's errno, extack, no device left behind.
Allowed changes succeed and show up in the dump."""

import nl
from harness import add
from kit import expect_reject, info
import cases


def cleanup_x(n):
    for d in ('nkxa', 'nkxb'):
        n.dellink(d)


def create_case(c):
    desc, kw, err, msg, path = c.desc, c.kw, c.errno, c.extack, c.path

    def fn(t):
        with nl.NL() as n:
            try:
                if err == 0:
                    r = cases.do_create(n, t.kind, kw)
                    t.eq(r.ename, 'OK', 'accepted', )
                    t.check(r.errno == 0, 'extack', r.msg)
                    return
                r = expect_reject(t, n, desc, err, msg,
                                  lambda: cases.do_create(n, t.kind, kw))
                if path is not None:
                    t.eq(r.attr_path, path, 'extack offset points at')
            finally:
                cleanup_x(n)
    return fn


for c in cases.CREATE_ACCEPTED:
    add('create accepted: ' + c.desc, create_case(c))
for c in cases.CREATE_REJECTED:
    add('create rejected: ' + c.desc, create_case(c))


def change_case(c):
    desc, create, target, kw = c.desc, c.create, c.target, c.kw
    err, msg, path = c.errno, c.extack, c.path

    def fn(t):
        with nl.NL() as n:
            try:
                r = cases.do_create(n, t.kind, create)
                t.require(r.errno == 0, 'setup create', r)
                before_a = n.getlink('nkxa')
                peer = cases.peer_name(n)
                before_b = n.getlink(peer) if peer else None
                r = cases.do_change(n, t.kind, target, kw)
                t.eq(r.ename, nl._errno.errorcode.get(err, 'OK'), '%s: errno' % desc)
                if msg is not None:
                    t.eq(r.msg, msg, '%s: extack' % desc)
                if path is not None:
                    t.eq(r.attr_path, path, '%s: extack offset points at' % desc)
                a = n.getlink('nkxa')
                b = n.getlink(peer) if peer else None
                if err:
                    partial = (t.kind == 'netkit' and
                               desc in cases.UPSTREAM_PARTIAL_CHANGE)
                    if partial:
                        # upstream writes the primary's policy before
                        # checking the peer's; netkit2 changes nothing
                        want = dict(info(before_a), POLICY=nl.DROP)
                        t.eq(info(a), want, 'primary dump after partial change')
                    else:
                        t.eq(info(a), info(before_a), 'primary dump unchanged')
                    if peer and not partial:
                        t.eq(info(b), info(before_b), 'peer dump unchanged')
                else:
                    want_a = info(before_a)
                    want_b = info(before_b)
                    if 'policy' in kw:
                        want_a['POLICY'] = kw['policy']
                        want_b['PEER_POLICY'] = kw['policy']
                    if 'peer_policy' in kw:
                        want_a['PEER_POLICY'] = kw['peer_policy']
                        want_b['POLICY'] = kw['peer_policy']
                    t.eq(info(a), want_a, 'primary dump after change')
                    t.eq(info(b), want_b, 'peer dump after change')
            finally:
                cleanup_x(n)
    return fn


for c in cases.CHANGE_ACCEPTED:
    add('change accepted: ' + c.desc, change_case(c))
for c in cases.CHANGE_REJECTED:
    add('change rejected: ' + c.desc, change_case(c))
