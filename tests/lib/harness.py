# SPDX-License-Identifier: GPL-2.0
"""Test registry, TAP output, per-test cleanup and shell helpers."""

import json
import os
import re
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nl  # noqa: E402

TESTS = []
NS_PREFIX = 'nkt-'


class Skip(Exception):
    pass


class Fail(Exception):
    pass


class Config:
    kind = 'netkit2'
    verbose = False

    @property
    def module(self):
        return self.kind == 'netkit2'


CFG = Config()


def test(name, needs=()):
    """Register fn(t) as test NAME. needs: 'module', 'netkit' (upstream present)."""
    def deco(fn):
        TESTS.append((name, fn, tuple(needs)))
        return fn
    return deco


def add(name, fn, needs=()):
    TESTS.append((name, fn, tuple(needs)))


# ------------------------------------------------------------------ shell
def sh(cmd, check=False, timeout=60, input=None):
    """Run a shell command; returns CompletedProcess (text)."""
    if CFG.verbose:
        sys.stdout.write('# $ %s\n' % cmd)
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                       timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise Fail('command failed (%d): %s\n%s%s' % (p.returncode, cmd, p.stdout, p.stderr))
    return p


def ns_prefix(ns):
    return 'ip netns exec %s ' % ns if ns else ''


def ipj(args, ns=None):
    """ip -j ARGS parsed."""
    p = sh('ip %s-j %s' % ('-n %s ' % ns if ns else '', args))
    if p.returncode != 0:
        raise Fail('ip -j %s: %s' % (args, p.stderr.strip()))
    return json.loads(p.stdout or '[]')


def link_json(dev, ns=None, details=True, stats=False):
    opts = ('-d ' if details else '') + ('-s ' if stats else '')
    j = ipj('%slink show dev %s' % (opts, dev), ns)
    return j[0] if j else None


def link_exists(dev, ns=None):
    return sh('ip %slink show dev %s' % ('-n %s ' % ns if ns else '', dev)).returncode == 0


def ifindexes(ns=None):
    with nl.NL(ns) as n:
        return {l['index']: l.get('ifname') for l in n.links()}


def kind_links(ns=None, kinds=('netkit', 'netkit2')):
    with nl.NL(ns) as n:
        return [l for l in n.links() if l.get('kind') in kinds]


def all_netns():
    try:
        return sorted(os.listdir('/run/netns'))
    except FileNotFoundError:
        return []


# ------------------------------------------------------------------ test ctx
class T:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.notes = []
        self.netns = []
        self.devs = []
        self.procs = []
        self.fds = []
        self.kind = CFG.kind

    # assertions: collect, do not stop
    def check(self, cond, what, detail=None):
        if not cond:
            self.failures.append(what + ('' if detail is None else ': %s' % (detail,)))
        return bool(cond)

    def eq(self, got, want, what):
        return self.check(got == want, what, 'got %r, want %r' % (got, want))

    def require(self, cond, what, detail=None):
        if not self.check(cond, what, detail):
            raise Fail(what)

    def note(self, s):
        self.notes.append(s)

    # resources
    def ns(self, suffix):
        name = NS_PREFIX + suffix
        sh('ip netns del %s' % name)
        sh('ip netns add %s' % name, check=True)
        sh('ip -n %s link set lo up' % name)
        self.netns.append(name)
        return name

    def dev(self, name, ns=None):
        self.devs.append((name, ns))
        return name

    def defer_close(self, *fds):
        """Close FDS when the test ends."""
        self.fds.extend(fds)

    def bg(self, cmd):
        p = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.procs.append(p)
        return p

    def cleanup(self):
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, 9)
                except OSError:
                    pass
                try:
                    p.wait(5)
                except Exception:
                    pass
        for name, ns in self.devs:
            sh('ip %slink del %s' % ('-n %s ' % ns if ns else '', name))
        for name in self.netns:
            sh('ip netns del %s' % name)
        # sweep anything left by a failed test
        for name in all_netns():
            if name.startswith(NS_PREFIX):
                sh('ip netns del %s' % name)
        try:
            for l in kind_links(None):
                sh('ip link del %s' % l['ifname'])
        except OSError:
            pass


def ipv6_on():
    """False on a host booted with ipv6.disable=1 (no IPv6 at all)."""
    return os.path.isdir('/proc/sys/net/ipv6')


# ------------------------------------------------------------------ kind helpers
def upstream_netkit_available():
    """Upstream netkit as netkit2 reproduces it: built in, with single
    mode (IFLA_NETKIT_PAIRING). Older built-in netkit (6.12) differs by
    design and is not a reference."""
    with nl.NL() as n:
        r = n.newlink('netkit', name='nkprobe0', peer={'name': 'nkprobe1'})
        if r.errno != 0:
            return False
        a = n.getlink('nkprobe0')
        n.dellink('nkprobe0')
        return bool(a) and 'PAIRING' in (a.get('info_data') or {})


def module_loaded():
    return os.path.isdir('/sys/module/netkit2')


# ------------------------------------------------------------------ dmesg
SPLAT = re.compile(r'WARNING:|BUG:|kernel BUG|Oops|Call Trace|general protection|'
                   r'UBSAN|KASAN|unregister_netdevice: waiting|list_(add|del) corruption|'
                   r'refcount_t:|RIP: ')


def dmesg_lines():
    p = sh('dmesg')
    return p.stdout.splitlines()


# ------------------------------------------------------------------ runner
def run(filters, out=sys.stdout):
    sel = [t for t in TESTS if not filters or any(re.search(f, t[0]) for f in filters)]
    out.write('TAP version 13\n1..%d\n' % (len(sel) + 1))
    out.flush()
    passed = failed = skipped = 0
    have_netkit = None
    base = dmesg_lines()
    seen = len(base)
    splats_all = []
    n = 0
    for name, fn, needs in sel:
        n += 1
        t = T(name)
        skip = None
        if 'module' in needs and not CFG.module:
            skip = 'module-specific (kind %s)' % CFG.kind
        if 'netkit' in needs:
            if have_netkit is None:
                have_netkit = upstream_netkit_available()
            if not have_netkit:
                skip = 'kernel has no upstream netkit'
        t0 = time.time()
        if skip is None:
            try:
                fn(t)
            except Skip as e:
                skip = str(e) or 'skipped'
            except Fail as e:
                if not t.failures:
                    t.failures.append(str(e))
            except Exception:
                t.failures.append('exception:\n' + traceback.format_exc())
            finally:
                try:
                    t.cleanup()
                except Exception:
                    t.failures.append('cleanup:\n' + traceback.format_exc())
        lines = dmesg_lines()
        new = lines[seen:] if len(lines) >= seen else lines
        seen = len(lines)
        splats = [l for l in new if SPLAT.search(l)]
        if splats:
            t.failures.append('kernel splat in dmesg:\n' + '\n'.join(new[-60:]))
            splats_all.extend(splats)
        dt = time.time() - t0
        if skip is not None and not t.failures:
            out.write('ok %d - %s # SKIP %s\n' % (n, name, skip))
            skipped += 1
        elif t.failures:
            out.write('not ok %d - %s\n' % (n, name))
            for f in t.failures:
                for l in str(f).splitlines():
                    out.write('#   %s\n' % l)
            failed += 1
        else:
            out.write('ok %d - %s\n' % (n, name))
            passed += 1
        for s in t.notes:
            out.write('#   note: %s\n' % s)
        # the suite's wall time matters under TCG: every test says its own
        out.write('#   time %.1fs\n' % dt)
        out.flush()
    n += 1
    if splats_all:
        out.write('not ok %d - no WARNING/BUG in dmesg during the run\n' % n)
        for l in splats_all[:40]:
            out.write('#   %s\n' % l)
        failed += 1
    else:
        out.write('ok %d - no WARNING/BUG in dmesg during the run\n' % n)
        passed += 1
    # A skipped test is not a pass: it is counted on its own.
    out.write('%d passed, %d failed, %d skipped\n' % (passed, failed, skipped))
    out.flush()
    return failed
