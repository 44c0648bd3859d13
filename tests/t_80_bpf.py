# SPDX-License-Identifier: GPL-2.0
"""BPF programs on netkit2: attach/detach/query over the netkit2 genl
family (through tools/netkit2ctl), ordering and errors as the kernel's
multi-program attach, ownership, verdicts by traffic, release."""

import ctypes
import errno
import json
import os
import statistics
import time

import bpfsys
import genl
import nl
from harness import Skip, test, sh, wait_until

from nk2ctl import (CTL, OBJ, NEEDS, ctl, ctl_errno, attach, detach, query, ids,  # noqa: F401
                    prog_exists, prog_gone, read_lines, mkpair, traffic_pair, ping, stats, need_tools)


@test('bpf: attach order with first/last/before/after/replace, revision', NEEDS)
def t_order(t):
    a, _ = mkpair(t)
    got, rev, _ = query(a, 'primary')
    t.eq((got, rev), ([], 1), 'empty list at revision 1')
    p1 = attach(t, a, 'primary', 'nk_next')                    # [1]
    p2 = attach(t, a, 'primary', 'nk_next', 'first')           # [2 1]
    p3 = attach(t, a, 'primary', 'nk_next', 'after %d' % p2)   # [2 3 1]
    p4 = attach(t, a, 'primary', 'nk_next', 'before %d' % p1)  # [2 3 4 1]
    p5 = attach(t, a, 'primary', 'nk_next', 'last')            # [2 3 4 1 5]
    p6 = attach(t, a, 'primary', 'nk_next', 'before %d' % p2)  # [6 2 3 4 1 5]
    got, rev, _ = query(a, 'primary')
    t.eq(got, [p6, p2, p3, p4, p1, p5], 'run order')
    t.eq(rev, 7, 'revision counts every change')
    # replace in place, alone and with agreeing anchors
    p7 = attach(t, a, 'primary', 'nk_next', 'replace %d' % p3)
    t.eq(ids(a, 'primary'), [p6, p2, p7, p4, p1, p5], 'replace keeps the slot')
    t.check(prog_gone(p3), 'replaced program released')
    p8 = attach(t, a, 'primary', 'nk_next', 'replace %d before %d' % (p4, p1))
    t.eq(ids(a, 'primary'), [p6, p2, p7, p8, p1, p5], 'replace with an agreeing anchor')
    p4 = attach(t, a, 'primary', 'nk_next', 'replace %d after %d' % (p8, p7))
    t.eq(ids(a, 'primary'), [p6, p2, p7, p4, p1, p5], 'replace after an agreeing anchor')
    # anchors that disagree, unknown anchors, duplicates, stale revisions
    attach(t, a, 'primary', 'nk_next', 'replace %d after %d' % (p1, p6), want=errno.ERANGE)
    attach(t, a, 'primary', 'nk_next', 'before %d after %d' % (p1, p1), want=errno.ERANGE)
    attach(t, a, 'primary', 'nk_next', 'before 999999', want=errno.ENOENT)
    attach(t, a, 'primary', 'nk_next', 'replace 999999', want=errno.ENOENT)
    attach(t, a, 'primary', 'id:%d' % p1, want=errno.EEXIST)
    _, rev, _ = query(a, 'primary')
    attach(t, a, 'primary', 'nk_next', 'revision %d' % (rev - 1), want=errno.ESTALE)
    p9 = attach(t, a, 'primary', 'nk_next', 'revision %d' % rev)
    t.check(p9 > 0, 'attach at the current revision')
    # the same program may run on the other side too
    attach(t, a, 'peer', 'id:%d' % p1)
    t.eq(ids(a, 'peer'), [p1], 'peer list independent')
    t.eq(query(a, 'primary')[1], rev + 1, 'peer change leaves primary revision')


@test('bpf: detach by id, first, last, anchors; errors', NEEDS)
def t_detach(t):
    a, _ = mkpair(t)
    detach(t, a, 'primary', want=errno.ENOENT)
    ps = [attach(t, a, 'primary', 'nk_next') for _ in range(6)]
    detach(t, a, 'primary', 'id %d' % ps[2])
    t.eq(ids(a, 'primary'), ps[:2] + ps[3:], 'detach by id')
    detach(t, a, 'primary', 'first')
    t.eq(ids(a, 'primary'), [ps[1], ps[3], ps[4], ps[5]], 'detach first')
    detach(t, a, 'primary', 'last')
    t.eq(ids(a, 'primary'), [ps[1], ps[3], ps[4]], 'detach last')
    detach(t, a, 'primary', 'after %d' % ps[1])
    t.eq(ids(a, 'primary'), [ps[1], ps[4]], 'detach the one after an anchor')
    detach(t, a, 'primary', 'id %d before %d' % (ps[1], ps[4]))
    t.eq(ids(a, 'primary'), [ps[4]], 'detach by id with agreeing anchor')
    detach(t, a, 'primary', 'id %d' % ps[1], want=errno.ENOENT)
    _, rev, _ = query(a, 'primary')
    detach(t, a, 'primary', 'id %d revision %d' % (ps[4], rev + 5), want=errno.ESTALE)
    detach(t, a, 'primary')
    got, rev2, _ = query(a, 'primary')
    t.eq((got, rev2), ([], 1), 'detach without arguments takes the last; empty list reports 1')
    # the real revision goes on: attach at 1 is stale, at rev + 1 is not
    attach(t, a, 'primary', 'nk_next', 'revision 1', want=errno.ESTALE)
    attach(t, a, 'primary', 'nk_next', 'revision %d' % (rev + 1))
    detach(t, a, 'primary', 'revision %d' % (rev + 2))
    # nothing attached: ENOENT before any other check, as upstream
    detach(t, a, 'primary', 'revision 999', want=errno.ENOENT)
    detach(t, a, 'primary', 'first', want=errno.ENOENT)
    t.check(prog_gone(ps[2]) and prog_gone(ps[4]), 'detached programs released')


@test('bpf: at most 63 programs per side as upstream (ERANGE)', NEEDS)
def t_limit(t):
    a, _ = mkpair(t)
    # 62 in process, the 63rd and what follows with the tool
    fds = [bpfsys.load(-1) for _ in range(62)]
    t.defer_close(*fds)
    with nl.NL() as n:
        idx = n.getlink(a)['index']
    with genl.Netkit2() as g:
        t.require(all(g.attach(idx, 'primary', fd) == 0 for fd in fds), '62 attachments')
    ps = [bpfsys.prog_id(fd) for fd in fds] + [attach(t, a, 'primary', 'nk_next')]
    t.require(ps[-1] > 0, '63 attachments')
    t.eq(len(ids(a, 'primary')), 63, '63 programs listed')
    attach(t, a, 'primary', 'nk_next', want=errno.ERANGE)
    attach(t, a, 'primary', 'nk_next', 'first', want=errno.ERANGE)
    p = attach(t, a, 'primary', 'nk_next', 'replace %d' % ps[10])
    t.eq(ids(a, 'primary')[10], p, 'replace still works on a full list')
    attach(t, a, 'peer', 'nk_next')
    t.eq(len(ids(a, 'peer')), 1, 'the other side has its own limit')


_libc = ctypes.CDLL(None, use_errno=True)
NR_MEMBARRIER, MEMBARRIER_CMD_GLOBAL = 324, 1


def grace_period_us():
    """How long a wait for an RCU grace period takes: membarrier(GLOBAL) is
    synchronize_rcu() in the kernel (with more than one CPU online)."""
    t0 = time.perf_counter()
    if _libc.syscall(NR_MEMBARRIER, MEMBARRIER_CMD_GLOBAL, 0, 0):
        raise OSError(ctypes.get_errno(), 'membarrier')
    return (time.perf_counter() - t0) * 1e6


def timed_us(fn):
    t0 = time.perf_counter()
    err = fn()
    return (time.perf_counter() - t0) * 1e6, err


@test('bpf: replace and detach return without waiting for a grace period', NEEDS)
def t_no_grace_wait(t):
    """Upstream netkit and tcx wait for one on every replace (link update)
    and detach; netkit2 puts the old program after one, from a work item."""
    if os.cpu_count() < 2:
        raise Skip('one CPU: a grace period is no wait at all')
    a, _ = mkpair(t)
    n = 16
    olds = [bpfsys.load(-1) for _ in range(n)]
    news = [bpfsys.load(-1) for _ in range(n)]
    t.defer_close(*olds, *news)
    with nl.NL() as rt:
        idx = rt.getlink(a)['index']
    times = {'attach': [], 'replace': [], 'detach': []}
    errs = set()
    with genl.Netkit2() as g:
        for fd in olds:
            us, err = timed_us(lambda: g.attach(idx, 'primary', fd))
            times['attach'].append(us)
            errs.add(err)
        for old, new in zip(olds, news):
            us, err = timed_us(lambda: g.attach(idx, 'primary', new, genl.NK2_F_REPLACE,
                                                bpfsys.prog_id(old)))
            times['replace'].append(us)
            errs.add(err)
        for fd in news:
            us, err = timed_us(lambda: g.detach(idx, 'primary', fd))
            times['detach'].append(us)
            errs.add(err)
    t.require(errs == {0}, 'every request succeeded', 'errnos %s' % sorted(errs))
    gp = statistics.median(grace_period_us() for _ in range(5))
    med = {k: statistics.median(v) for k, v in times.items()}
    t.note('median us: grace period %.0f, attach %.0f, replace %.0f, detach %.0f' %
           (gp, med['attach'], med['replace'], med['detach']))
    if gp < 4 * med['attach']:
        raise Skip('a grace period (%.0f us) is too short here to tell' % gp)
    for what in ('replace', 'detach'):
        t.check(med[what] < gp / 2, '%s returns within a grace period' % what,
                '%.0f us against %.0f us' % (med[what], gp))
    # what the requests took out is put once a grace period has passed:
    # without the test's own references, every program goes
    ids_out = [bpfsys.prog_id(fd) for fd in olds + news]
    t.eq(ids(a, 'primary'), [], 'nothing left attached')
    t.close(*olds, *news)
    t.check(all(prog_gone(i) for i in ids_out), 'every program put after a grace period')


@test('bpf: owned attachments go with their netlink socket', NEEDS)
def t_owned(t):
    a, _ = mkpair(t)
    keep = attach(t, a, 'primary', 'nk_next')
    # the tool exits at once: its owned attachment goes with it
    attach(t, a, 'primary', 'nk_next', 'owned')
    t.eq(ids(a, 'primary'), [keep], 'owned program gone when the tool exits')
    need_tools()
    bg = t.bg('exec %s attach %s peer %s nk_next owned hold' % (CTL, a, OBJ))
    pid = int(bg.stdout.readline().split()[0])
    bg2 = t.bg('exec %s attach %s primary %s nk_next owned hold' % (CTL, a, OBJ))
    pid2 = int(bg2.stdout.readline().split()[0])
    got, _, owners = query(a, 'primary')
    t.eq(got, [keep, pid2], 'owned program listed while its socket is open')
    t.check(owners[0] == 0 and owners[1] != 0, 'owner reported', owners)
    t.eq(ids(a, 'peer'), [pid], 'owned program on the peer side')
    bg.terminate()
    bg.wait(10)
    t.eq(ids(a, 'peer'), [], 'peer program detached with its socket')
    t.eq(ids(a, 'primary'), [keep, pid2], 'other socket\'s program stays')
    bg2.kill()
    bg2.wait(10)
    t.eq(ids(a, 'primary'), [keep], 'killed owner: program detached')
    for x in (pid, pid2):
        t.check(prog_gone(x), 'owned program %d released' % x)


@test('bpf: peer, single device, other kinds and program types refused', NEEDS)
def t_refuse(t):
    h, p = traffic_pair(t)
    attach(t, 'nkp', 'primary', 'nk_pass', ns=p, want=errno.EACCES)
    attach(t, 'nkp', 'peer', 'nk_pass', ns=p, want=errno.EACCES)
    t.eq(ctl_errno(ctl('-j query nkp primary', p)), errno.EACCES, 'query from the peer EACCES')
    detach(t, 'nkp', 'primary', ns=p, want=errno.EACCES)
    attach(t, 'lo', 'primary', 'nk_pass', ns=h, want=errno.ENXIO)
    attach(t, 'nkh', 'primary', 'nk_xdp', ns=h, want=errno.EINVAL)
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nks0', pairing=nl.SINGLE)
        t.require(r.errno == 0, 'create single device', r)
    t.dev('nks0')
    attach(t, 'nks0', 'primary', 'nk_pass', want=errno.EOPNOTSUPP)
    t.eq(ids('nkh', 'primary', h) + ids('nkh', 'peer', h), [], 'nothing attached')
    need_tools()
    r = sh('ip netns exec %s setpriv --reuid=65534 --regid=65534 --clear-groups '
           '--inh-caps=-all %s -j query nkh primary' % (h, CTL))
    t.eq(ctl_errno(r), errno.EPERM, 'no CAP_NET_ADMIN: EPERM')


@test('bpf: PASS, DROP, NEXT and chained verdicts shown by traffic', NEEDS)
def t_verdicts(t):
    h, p = traffic_pair(t)
    t.require(ping(h), 'ping without programs')
    d = attach(t, 'nkh', 'primary', 'nk_drop', ns=h)
    before = stats('nkh', h)['tx_dropped']
    t.check(not ping(h), 'DROP on the primary stops ping')
    t.check(stats('nkh', h)['tx_dropped'] - before >= 2, 'drops counted')
    pp = attach(t, 'nkh', 'primary', 'nk_pass', 'first', ns=h)
    t.check(ping(h), 'PASS before DROP: the first verdict wins')
    detach(t, 'nkh', 'primary', 'id %d' % pp, ns=h)
    attach(t, 'nkh', 'primary', 'nk_next', 'first', ns=h)
    t.check(not ping(h), 'NEXT then DROP drops')
    detach(t, 'nkh', 'primary', 'id %d' % d, ns=h)
    t.eq(len(ids('nkh', 'primary', h)), 1, 'only NEXT left')
    t.check(ping(h), 'NEXT alone passes')
    attach(t, 'nkh', 'primary', 'nk_mark', 'first', ns=h)
    attach(t, 'nkh', 'primary', 'nk_drop_marked', 'last', ns=h)
    t.check(not ping(h), 'a later program sees what an earlier one set')
    for _ in range(3):
        detach(t, 'nkh', 'primary', ns=h)
    t.check(ping(h), 'all detached: default policy forwards')
    attach(t, 'nkh', 'peer', 'nk_drop', ns=h)
    t.check(not ping(h), 'DROP on the peer side stops the replies')
    t.check(stats('nkp', p)['tx_dropped'] >= 2, 'peer counts the drops')
    detach(t, 'nkh', 'peer', ns=h)
    t.check(ping(h), 'ping again after detaching the peer program')


@test('bpf: REDIRECT egress and ingress, unknown target dropped', NEEDS)
def t_redirect(t):
    h, p = traffic_pair(t)
    sh('ip netns exec %s sysctl -qw net.ipv4.conf.all.rp_filter=0' % p)
    sh('ip netns exec %s sysctl -qw net.ipv4.conf.lo.rp_filter=0' % p)
    for prog in ('nk_redir_lo', 'nk_redir_lo_ingress'):
        r0, lo0 = stats('nkp', p)['rx_packets'], stats('lo', p)['rx_packets']
        attach(t, 'nkh', 'primary', prog, ns=h)
        t.check(ping(h), '%s: ping through the peer namespace\'s lo' % prog)
        r1, lo1 = stats('nkp', p)['rx_packets'], stats('lo', p)['rx_packets']
        t.eq(r1 - r0, 0, '%s: the peer received nothing itself' % prog)
        if prog == 'nk_redir_lo':
            # lo counts what it transmits (and so receives) in its xmit;
            # an ingress redirect bypasses that, only the ping shows it.
            t.check(lo1 - lo0 >= 2, '%s: lo transmitted the requests' % prog, (lo0, lo1))
        detach(t, 'nkh', 'primary', ns=h)
    attach(t, 'nkh', 'primary', 'nk_redir_nowhere', ns=h)
    before = stats('nkh', h)
    t.check(not ping(h), 'redirect to no device drops')
    after = stats('nkh', h)
    # as upstream: a redirect counts as sent, whatever becomes of it
    t.check(after['tx_packets'] - before['tx_packets'] >= 2, 'counted as sent')
    t.eq(after['tx_dropped'] - before['tx_dropped'], 0, 'not as dropped')


@test('bpf: programs released with the device and with its namespace', NEEDS)
def t_release(t):
    a, _ = mkpair(t)
    ps = [attach(t, a, 'primary', 'nk_next') for _ in range(3)]
    ps.append(attach(t, a, 'peer', 'nk_next'))
    t.check(all(prog_exists(x) for x in ps), 'attached programs alive')
    sh('ip link del %s' % a, check=True)
    wait_until(lambda: not any(prog_exists(x) for x in ps), 5)
    t.check(not any(prog_exists(x) for x in ps), 'released on device deletion')
    h, p = traffic_pair(t)
    ps = [attach(t, 'nkh', 'primary', 'nk_pass', ns=h), attach(t, 'nkh', 'peer', 'nk_pass', ns=h)]
    sh('ip netns del %s' % p, check=True)
    wait_until(lambda: not any(prog_exists(x) for x in ps), 10)
    t.check(not any(prog_exists(x) for x in ps), 'released when the peer namespace goes')


@test('bpf: attach and detach while traffic flows', NEEDS)
def t_churn(t):
    h, p = traffic_pair(t)
    flood = t.bg('ip netns exec %s ping -q -i 0.002 -s 1000 10.77.0.2' % h)
    time.sleep(0.5)
    # in process: a change a few milliseconds, not a tool started each time
    nxt, pas, nxt2 = bpfsys.load(-1), bpfsys.load(0), bpfsys.load(-1, b'nk2t_next2')
    t.defer_close(nxt, pas, nxt2)
    with nl.NL(h) as n:
        idx = n.getlink('nkh')['index']
    with genl.Netkit2(h) as g:
        for i in range(30):
            errs = [g.attach(idx, 'primary', nxt, genl.NK2_F_BEFORE),
                    g.attach(idx, 'primary', pas, genl.NK2_F_AFTER),
                    g.attach(idx, 'peer', pas)]
            errs.append(g.attach(idx, 'primary', nxt2, genl.NK2_F_REPLACE,
                                 replace_id=g.ids(idx, 'primary')[0]))
            errs += [g.detach(idx, 'primary', flags=genl.NK2_F_BEFORE),
                     g.detach(idx, 'peer', pas),
                     g.detach(idx, 'primary', flags=genl.NK2_F_AFTER)]
            if not t.eq(errs, [0] * 7, 'round %d: every change succeeds' % i):
                break
    t.check(flood.poll() is None, 'flood ping still running')
    flood.terminate()
    t.eq(ids('nkh', 'primary', h) + ids('nkh', 'peer', h), [], 'nothing left attached')
    t.check(ping(h), 'ping after the churn')


@test('bpf: module unload releases attached programs', NEEDS)
def t_unload(t):
    a, _ = mkpair(t)
    ps = [attach(t, a, 'primary', 'nk_next'), attach(t, a, 'peer', 'nk_pass')]
    need_tools()
    bg = t.bg('exec %s attach %s primary %s nk_next owned hold' % (CTL, a, OBJ))
    ps.append(int(bg.stdout.readline().split()[0]))
    t.eq(len(ids(a, 'primary')), 2, 'owned and unowned attached')
    r = sh('rmmod netkit2')
    t.require(r.returncode == 0, 'rmmod with programs attached', r.stderr)
    try:
        t.check(all(prog_gone(x) for x in ps[:2]), 'attached programs released')
        # the holder keeps its own fd of the third: gone when it exits
        bg.kill()
        bg.wait(10)
        t.check(prog_gone(ps[2]), 'owned program released with its holder')
    finally:
        sh('modprobe netkit2', check=True)


@test('bpf: every change is notified to the "changes" group', NEEDS)
def t_notify(t):
    h, p = traffic_pair(t)
    need_tools()
    mon = t.bg('exec ip netns exec %s %s -j monitor' % (h, CTL))
    other = t.bg('exec ip netns exec %s %s -j monitor' % (p, CTL))
    time.sleep(1)
    a = attach(t, 'nkh', 'primary', 'nk_pass', ns=h)
    b = attach(t, 'nkh', 'peer', 'nk_pass', 'owned', ns=h)
    detach(t, 'nkh', 'primary', 'id %d' % a, ns=h)
    got = [json.loads(x) for x in read_lines(mon, 4)]
    t.require(len(got) == 4, 'four notifications', got)
    t.eq([(j['event'], j['target']) for j in got],
         [('attach', 'primary'), ('attach', 'peer'), ('detach', 'peer'), ('detach', 'primary')],
         'attach, attach, owner release, detach notified')
    t.eq([[q['id'] for q in j['progs']] for j in got], [[a], [b], [], []],
         'notifications carry the programs')
    t.eq([j['revision'] for j in got], [2, 2, 1, 1], 'and the revision (1 when empty)')
    with nl.NL(h) as n:
        idx = n.getlink('nkh')['index']
    t.eq({j['ifindex'] for j in got}, {idx}, 'ifindex of the primary reported')
    t.eq(read_lines(other, 1, timeout=1), [], 'nothing notified in the peer namespace')
