# SPDX-License-Identifier: GPL-2.0
"""Helpers of the BPF program tests: netkit2ctl (always with -j: exit
status 0, or 1 with a JSON error object naming the errno), pairs, traffic."""

import json
import os
import select
import time

import bpfsys
import netns
import nl
from harness import sh, Fail, wait_until
import kit

traffic_pair = kit.traffic_pair   # the tests take it from here

HERE = os.path.dirname(os.path.abspath(__file__))
CTL = os.path.join(HERE, '..', '..', 'tools', 'netkit2ctl', 'netkit2ctl')
OBJ = os.path.join(HERE, '..', 'bpf', 'progs.o')
NEEDS = ('module',)


def need_tools():
    if not (os.access(CTL, os.X_OK) and os.path.exists(OBJ)):
        raise Fail('netkit2ctl or tests/bpf/progs.o missing: run make tools')


def ctl(args, ns=None):
    need_tools()
    return sh('%s%s %s' % ('ip netns exec %s ' % ns if ns else '', CTL, args), timeout=60)


def ctl_errno(p):
    """The errno of a failed `netkit2ctl -j` (exit status 1, JSON error
    object on stdout), 0 for success; a usage error (2) or an exit
    status that breaks the convention is a failure of its own."""
    if p.returncode == 0:
        return 0
    if p.returncode != 1:
        raise Fail('netkit2ctl exited %d: %s' % (p.returncode, p.stderr.strip()))
    return json.loads(p.stdout.strip().splitlines()[-1])['errno']


def attach(t, dev, side, prog, extra='', ns=None, want=0):
    """Attach program PROG of progs.o (or id:N); returns its id, or -errno."""
    src = prog if prog.startswith('id:') else '%s %s' % (OBJ, prog)
    p = ctl('-j attach %s %s %s %s' % (dev, side, src, extra), ns)
    err = ctl_errno(p)
    t.eq(err, want, 'attach %s %s %s %s' % (side, prog, extra, p.stderr.strip()))
    if err:
        return -err
    return json.loads(p.stdout)['id']


def detach(t, dev, side, extra='', ns=None, want=0):
    p = ctl('-j detach %s %s %s' % (dev, side, extra), ns)
    t.eq(ctl_errno(p), want, 'detach %s %s %s' % (side, extra, p.stderr.strip()))


def query(dev, side, ns=None):
    p = ctl('-j query %s %s' % (dev, side), ns)
    if p.returncode:
        raise Fail('query %s %s: %s' % (dev, side, p.stderr.strip()))
    j = json.loads(p.stdout)
    return [x['id'] for x in j['progs']], j['revision'], [x['owner'] for x in j['progs']]


def ids(dev, side, ns=None):
    return query(dev, side, ns)[0]


def prog_exists(pid):
    return bpfsys.prog_exists(pid)


def prog_gone(pid, timeout=5):
    """Whether program PID is freed within TIMEOUT s: a detached or
    replaced program is put by its old array once an RCU grace period has
    passed, after the request has returned."""
    return wait_until(lambda: not prog_exists(pid), timeout)


def read_lines(proc, n, timeout=20):
    """N lines of a background process' output (fewer after TIMEOUT s).
    Reads the pipe unbuffered: use nothing else on that process' stdout."""
    fd, data, end = proc.stdout.fileno(), b'', time.time() + timeout
    while data.count(b'\n') < n and time.time() < end:
        if select.select([fd], [], [], max(0, end - time.time()))[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    return data.decode().splitlines()[:n]


def mkpair(t, a='nkb0', b='nkb1', **kw):
    with nl.NL() as n:
        r = n.newlink(t.kind, name=a, peer={'name': b}, **kw)
        t.require(r.errno == 0, 'create pair', r)
    t.dev(a)
    return a, b


def ping(ns, dst='10.77.0.2', count=2):
    return netns.echo(ns, dst, count) > 0


def stats(dev, ns):
    with nl.NL(ns) as n:
        return n.getlink(dev)['stats64']
