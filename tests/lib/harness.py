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
import netns  # noqa: E402

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
# A command without shell syntax is started directly, and one in a netns
# (`ip netns exec NS CMD`) by setns() in the child: each saves a process
# (a third of a second under TCG).  `ip netns exec` also remounts /sys for
# the netns: commands that read /sys keep it.
_PLAIN = re.compile(r'^[A-Za-z0-9_./:,=+@%^ -]+$')
_NSEXEC = re.compile(r'^ip netns exec (\S+) (.*)$', re.S)


def _argv(cmd):
    """(argv, netns) to start CMD without a shell, or None."""
    ns = None
    m = _NSEXEC.match(cmd)
    if m:
        ns, cmd = m.group(1), m.group(2)
        if '/sys' in cmd:
            return None
    if not _PLAIN.match(cmd):
        return None
    argv = cmd.split()
    if not argv or '=' in argv[0] or argv[0] in ('exec', 'cd', 'export', 'set', 'ulimit'):
        return None
    return argv, ns


def _nl_do(cmd, ns, fn):
    try:
        with nl.NL(ns) as n:
            r = fn(n)
    except OSError as e:
        return subprocess.CompletedProcess(cmd, 1, '', 'Cannot open network namespace: %s\n' % e)
    if r.errno:
        return subprocess.CompletedProcess(cmd, 2, '', 'RTNETLINK answers: %s%s\n' % (
            os.strerror(r.errno), ' (%s)' % r.msg if r.msg else ''))
    return subprocess.CompletedProcess(cmd, 0, '', '')


def _sysctl(cmd, ns, key, value):
    try:
        netns.sysctl(ns, key, value)
    except OSError as e:
        return subprocess.CompletedProcess(cmd, 255, '', 'sysctl: %s: %s\n' % (key, e.strerror))
    return subprocess.CompletedProcess(cmd, 0, '', '')


# The commands every topology runs dozens of times, done in-process with
# the same effect: moving a device to a named netns, up/down, an address,
# a sysctl.
_FAST = (
    (re.compile(r'^ip (?:-n (\S+) )?link set (?:dev )?(\S+) (up|down)$'),
     lambda c, ns, dev, how: _nl_do(c, ns, lambda n: n.up(dev) if how == 'up' else n.down(dev))),
    (re.compile(r'^ip (?:-n (\S+) )?link set (?:dev )?(\S+) netns ([A-Za-z][\w.-]*)$'),
     lambda c, ns, dev, to: _nl_do(c, ns, lambda n: n.to_netns(dev, to))),
    (re.compile(r'^ip (?:-n (\S+) )?addr add ([0-9a-f.:]+/\d+) dev (\S+)( nodad)?$'),
     lambda c, ns, a, dev, nodad: _nl_do(c, ns, lambda n: n.addr_add(dev, a, bool(nodad)))),
    (re.compile(r'^(?:ip netns exec (\S+) )?sysctl -q?w ([\w.-]+)=(\S+)$'),
     lambda c, ns, key, value: _sysctl(c, ns, key, value)),
)


def sh(cmd, check=False, timeout=60, input=None):
    """Run a shell command; returns CompletedProcess (text)."""
    if CFG.verbose:
        sys.stdout.write('# $ %s\n' % cmd)
    p = None
    for rx, fn in _FAST:
        m = rx.match(cmd)
        if m:
            p = fn(cmd, *m.groups())
            break
    if p is not None:
        if check and p.returncode != 0:
            raise Fail('command failed (%d): %s\n%s' % (p.returncode, cmd, p.stderr))
        return p
    direct = _argv(cmd)
    try:
        if direct is None:
            p = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                               timeout=timeout, input=input)
        else:
            argv, ns = direct
            pre = None
            if ns:
                fd = nl.netns_fd(ns)
                pre = lambda: nl._setns(fd, 0)  # noqa: E731
            try:
                p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                   input=input, preexec_fn=pre,
                                   pass_fds=(fd,) if ns else ())
            finally:
                if ns:
                    os.close(fd)
    except FileNotFoundError as e:
        p = subprocess.CompletedProcess(cmd, 127, '', '%s\n' % e)
    except OSError as e:
        # the netns does not exist: what `ip netns exec` says
        p = subprocess.CompletedProcess(cmd, 1, '', 'Cannot open network namespace: %s\n' % e)
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
def _where():
    """file:line of the innermost caller outside this file, and of the
    test file if a helper of tests/lib asserted."""
    f, spots = sys._getframe(1), []
    while f is not None:
        name = os.path.basename(f.f_code.co_filename)
        if name != 'harness.py':
            spots.append('%s:%d' % (name, f.f_lineno))
            if name.startswith('t_'):
                break
        f = f.f_back
    return ' < '.join(spots[:1] + spots[-1:] if len(spots) > 1 else spots)


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

    # assertions: collect, do not stop; a failure names the test file's
    # line that asserted (through helpers in tests/lib too)
    def check(self, cond, what, detail=None):
        if not cond:
            self.failures.append('%s: %s%s' % (_where(), what,
                                               '' if detail is None else ': %s' % (detail,)))
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
        netns.add(name)
        self.netns.append(name)
        return name

    def dev(self, name, ns=None):
        self.devs.append((name, ns))
        return name

    def defer_close(self, *fds):
        """Close FDS when the test ends."""
        self.fds.extend(fds)

    def close(self, *fds):
        """Close FDS, given to defer_close(), now."""
        for fd in fds:
            self.fds.remove(fd)
            os.close(fd)

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
            try:
                with nl.NL(ns) as n:
                    n.dellink(name)
            except OSError:
                pass
        for name in self.netns:
            netns.delete(name)
        # sweep anything left by a failed test
        for name in all_netns():
            if name.startswith(NS_PREFIX):
                netns.delete(name)
        try:
            left = kind_links(None)
            with nl.NL() as n:
                for l in left:
                    n.dellink(l['ifname'])
        except OSError:
            pass


def wait_until(cond, timeout=10, interval=0.05):
    """Poll COND() until it is true (returns True) or TIMEOUT s passed
    (returns False). Under TCG a condition is polled, never slept for."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(interval)
    return True


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

# What the kernel's checkers print when they find something, for runs that
# provoke allocation failures on purpose (tests/fault, tests/stress): their
# "page allocation failure" stacks and kmemleak's own "cannot allocate"
# are the fault doing what it was asked, so Call Trace alone is no finding.
CHECKER = ('WARNING', 'BUG', 'Oops', 'KASAN', 'UBSAN', 'circular locking', 'suspicious RCU',
           'refcount_t', 'ref_tracker', 'unreferenced object', 'suspected memory leak')


_kmsg = []


def dmesg_lines():
    """The kernel log so far, read from /dev/kmsg without a process."""
    if not _kmsg:
        try:
            _kmsg.append(os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK))
        except OSError:
            _kmsg.append(None)
        _kmsg.append([])
    fd, lines = _kmsg
    if fd is None:
        return sh('dmesg').stdout.splitlines()
    while True:
        try:
            rec = os.read(fd, 8192)
        except BlockingIOError:
            break
        except BrokenPipeError:
            # overwritten before it was read: go on with what follows
            continue
        if not rec:
            break
        head, _, text = rec.decode(errors='replace').partition(';')
        lines.extend(l for l in text.rstrip('\n').split('\n') if not l.startswith(' '))
    return list(lines)


# ------------------------------------------------------------------ runner
def run(filters, out=sys.stdout):
    sel = [t for t in TESTS if not filters or any(re.search(f, t[0]) for f in filters)]
    out.write('TAP version 13\n1..%d\n' % (len(sel) + 1))
    out.flush()
    passed = failed = skipped = 0
    have_netkit = None
    base = dmesg_lines()
    seen = len(base)
    # what the kernel said from the module's load to the first test counts
    # too (a WARN at insmod, say)
    first = next((i for i, l in enumerate(base) if l.startswith('netkit2')), len(base))
    splats_all = [l for l in base[first:] if SPLAT.search(l)]
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
