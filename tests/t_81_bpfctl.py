# SPDX-License-Identifier: GPL-2.0
"""The userspace side of netkit2's programs: netkit2ctl's commands and
JSON output, libnetkit2 through its example program, release
notifications when a pair goes, the revision of an empty list against
upstream netkit, and the YNL spec (validated, numbers as in the uAPI
header, driving the family through the kernel's YNL library, the one its
CLI runs)."""

import errno
import importlib.util
import json
import os
import re
import sys
import tempfile
import time

import bpfsys
import nl
from harness import test, sh, Fail
from nk2ctl import (CTL, OBJ, NEEDS, ctl, ctl_errno, attach, ids, query,
                    need_tools, read_lines, mkpair, traffic_pair, prog_gone)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
SECTIONS = os.path.join(HERE, 'bpf', 'sections.o')
EXAMPLE = os.path.join(ROOT, 'tools', 'lib', 'netkit2', 'netkit2-example')
TEST_MSG = os.path.join(ROOT, 'tools', 'lib', 'netkit2', 'test-msg')
SPEC = os.path.join(ROOT, 'Documentation', 'netlink', 'specs', 'netkit2.yaml')
UAPI = os.path.join(ROOT, 'include', 'uapi')


def jctl(args, ns=None):
    """netkit2ctl -j ARGS: (errno, parsed JSON or None)."""
    p = ctl('-j ' + args, ns)
    err = ctl_errno(p)
    return err, (json.loads(p.stdout) if p.stdout.strip() else None)


@test('bpfctl: attach by section or program name, replace, exit codes', NEEDS)
def t_sections(t):
    a, _ = mkpair(t)
    need_tools()
    # no name: the program in the side's section, not the first one
    e, j = jctl('attach %s primary %s' % (a, SECTIONS))
    t.eq(e, 0, 'attach by the side\'s section')
    e, j2 = jctl('attach %s peer %s' % (a, SECTIONS))
    e, j3 = jctl('attach %s primary %s nk_sec_first' % (a, SECTIONS))
    t.eq(e, 0, 'attach by program name')
    e, j4 = jctl('attach %s peer %s netkit/primary' % (a, SECTIONS))
    t.eq(e, 0, 'attach by an explicit section name')
    t.eq(ids(a, 'primary'), [j['id'], j3['id']], 'primary list')
    t.eq(ids(a, 'peer'), [j2['id'], j4['id']], 'peer list')
    t.eq((j['target'], j2['target']), ('primary', 'peer'), 'JSON names the side')
    with nl.NL() as n:
        t.eq(j['ifindex'], n.getlink(a)['index'], 'JSON names the ifindex')
    # the names: what the kernel says the programs are
    t.eq([bpfsys.prog_name(x['id']) for x in (j, j2, j3, j4)],
         ['nk_sec_primary', 'nk_sec_peer', 'nk_sec_first', 'nk_sec_primary'],
         'programs chosen by section and by name')
    e, _ = jctl('attach %s primary %s no_such_prog' % (a, SECTIONS))
    t.eq(e, errno.ENOENT, 'unknown program name: ENOENT')
    # replace command: same slot, old program released
    e, r = jctl('replace %s primary %d %s nk_next' % (a, j3['id'], OBJ))
    t.eq(e, 0, 'replace')
    t.eq(r.get('replaced'), j3['id'], 'JSON names the replaced program')
    t.eq(ids(a, 'primary'), [j['id'], r['id']], 'replacement in the same slot')
    t.check(prog_gone(j3['id']), 'replaced program released')
    e, _ = jctl('replace %s primary 999999 %s nk_next' % (a, OBJ))
    t.eq(e, errno.ENOENT, 'replace of a program not attached: ENOENT')
    _, rev, _ = query(a, 'primary')
    e, _ = jctl('replace %s primary %d %s nk_next revision %d' % (a, r['id'], OBJ, rev - 1))
    t.eq(e, errno.ESTALE, 'replace at a stale revision: ESTALE')
    # exit status: 0 ok, 1 refused (JSON error object), 2 usage
    p = ctl('-j detach %s primary id 999999' % a)
    t.eq(p.returncode, 1, 'refused request exits 1')
    err = json.loads(p.stdout)
    t.eq((err['errno'], err['errname']), (errno.ENOENT, 'ENOENT'), 'JSON error names the errno')
    p = ctl('-j attach lo primary %s nk_pass' % OBJ)
    t.eq(json.loads(p.stdout).get('message'), 'not a netkit2 device',
         'JSON error carries the kernel\'s message')
    t.check('not a netkit2 device' in p.stderr, 'and so does stderr', p.stderr)
    t.eq(ctl('attach %s sideways %s' % (a, OBJ)).returncode, 2, 'usage error exits 2')
    t.eq(ctl('frobnicate').returncode, 2, 'unknown command exits 2')
    # numbers are whole words within their range; nothing reaches the kernel
    for bad in ('detach %s primary id 12abc', 'detach %s primary id 4294967296',
                'detach %s primary revision 18446744073709551616',
                'detach %s primary after 0x', 'attach %s primary id:7x',
                'replace %s primary 1 id:1 first', 'prog 1%.0s2z'):
        t.eq(ctl(bad % a).returncode, 2, 'malformed number exits 2: ' + bad % a)


@test('bpfctl: show one pair and all pairs, text and JSON', NEEDS)
def t_show(t):
    a, _ = mkpair(t)
    b, _ = mkpair(t, 'nkc0', 'nkc1')
    with nl.NL() as n:
        r = n.newlink(t.kind, name='nks0', pairing=nl.SINGLE)
        t.require(r.errno == 0, 'create single device', r)
    t.dev('nks0')
    pa = attach(t, a, 'primary', 'nk_next')
    pb = attach(t, b, 'peer', 'nk_pass')
    e, j = jctl('show %s' % a)
    t.eq(e, 0, 'show DEV')
    t.eq(len(j), 1, 'one pair')
    t.eq((j[0]['ifname'], [x['id'] for x in j[0]['primary']['progs']],
          j[0]['peer']['progs'], j[0]['peer']['revision']),
         (a, [pa], [], 1), 'both sides of the pair')
    e, j = jctl('show')
    t.eq(e, 0, 'show all')
    got = {x['ifname']: ([p['id'] for p in x['primary']['progs']],
                         [p['id'] for p in x['peer']['progs']]) for x in j}
    t.eq(got, {a: ([pa], []), b: ([], [pb])}, 'every pair by its primary, no peer, no single')
    p = ctl('show')
    t.eq(p.returncode, 0, 'text show')
    t.check(re.search(r'^%s \(ifindex \d+\)$' % a, p.stdout, re.M) and
            re.search(r'^    %d$' % pb, p.stdout, re.M), 'text output lists pairs and ids', p.stdout)
    e, _ = jctl('show nkb1')
    t.eq(e, errno.EACCES, 'show of a peer: EACCES')


@test('bpfctl: monitor sees the programs of a deleted pair released', NEEDS)
def t_release_notify(t):
    h, p = traffic_pair(t)
    need_tools()
    mon = t.bg('exec ip netns exec %s %s -j monitor' % (h, CTL))
    time.sleep(1)
    with nl.NL(h) as n:
        idx = n.getlink('nkh')['index']
    x = attach(t, 'nkh', 'primary', 'nk_pass', ns=h)
    y = attach(t, 'nkh', 'primary', 'nk_next', 'first', ns=h)
    z = attach(t, 'nkh', 'peer', 'nk_pass', ns=h)
    t.eq(len(read_lines(mon, 3)), 3, 'three attach notifications')
    # the pod's namespace goes: the pair goes with it
    sh('ip netns del %s' % p, check=True)
    got = [json.loads(l) for l in read_lines(mon, 2)]
    t.eq([(j['event'], j['target'], j['ifindex']) for j in got],
         [('release', 'primary', idx), ('release', 'peer', idx)], 'release per side, primary\'s ifindex')
    t.eq([[q['id'] for q in j['progs']] for j in got], [[y, x], [z]],
         'release lists the programs released')
    t.eq(read_lines(mon, 1, timeout=1), [], 'nothing more')
    # device deletion with one side empty: only the other side notified
    a, _ = mkpair(t, 'nkr0', 'nkr1')
    mon2 = t.bg('exec %s -j monitor' % CTL)
    time.sleep(1)
    w = attach(t, a, 'peer', 'nk_pass')
    sh('ip link del nkr1', check=True)  # deleting the peer deletes the pair
    got = [json.loads(l) for l in read_lines(mon2, 2)]
    t.eq([(j['event'], j['target'], [q['id'] for q in j['progs']]) for j in got],
         [('attach', 'peer', [w]), ('release', 'peer', [w])], 'peer side released, primary not')
    t.eq(read_lines(mon2, 1, timeout=1), [], 'no release for a side without programs')
    # a pair without programs: no notification at all
    mkpair(t, 'nkr2', 'nkr3')
    sh('ip link del nkr2', check=True)
    t.eq(read_lines(mon2, 1, timeout=1), [], 'no notification for a pair without programs')


@test('bpfctl: module unload notifies the release of attached programs', NEEDS)
def t_release_unload(t):
    a, _ = mkpair(t)
    need_tools()
    mon = t.bg('exec %s -j monitor' % CTL)
    time.sleep(1)
    x = attach(t, a, 'primary', 'nk_next')
    t.eq(len(read_lines(mon, 1)), 1, 'attach notified')
    r = sh('rmmod netkit2')
    t.require(r.returncode == 0, 'rmmod with a monitor and a program', r.stderr)
    try:
        got = [json.loads(l) for l in read_lines(mon, 1)]
        t.eq([(j['event'], [q['id'] for q in j['progs']]) for j in got],
             [('release', [x])], 'release notified before the family went')
    finally:
        sh('modprobe netkit2', check=True)


@test('bpfctl: libnetkit2 example program', NEEDS)
def t_example(t):
    if not os.access(EXAMPLE, os.X_OK):
        raise Fail('%s missing: run make tools' % EXAMPLE)
    a, _ = mkpair(t)
    p = sh('%s %s' % (EXAMPLE, a), timeout=60)
    bad = [l for l in p.stdout.splitlines() if l.startswith('not ok')]
    t.eq(bad, [], 'every step of the example')
    t.check(len([l for l in p.stdout.splitlines() if l.startswith('ok ')]) >= 19,
            'the example ran its steps', p.stdout)
    t.eq(p.returncode, 0, 'example exit status ' + p.stderr.strip())
    t.eq(ids(a, 'primary'), [], 'nothing left attached')


@test('bpfctl: libnetkit2 refuses a request larger than its buffer')
def t_libnetkit2_overflow(t):
    if not os.access(TEST_MSG, os.X_OK):
        raise Fail('%s missing: run make tools' % TEST_MSG)
    p = sh(TEST_MSG, timeout=60)
    lines = p.stdout.splitlines()
    t.eq([l for l in lines if l.startswith('not ok')], [], 'every check of the self test')
    t.check(any('EMSGSIZE' in l for l in lines if l.startswith('ok ')),
            'an overfull request is refused', p.stdout)
    t.eq(p.returncode, 0, 'self test exit status ' + p.stderr.strip())


@test('bpfctl: empty-list revision and detach errors as upstream netkit', ('module', 'netkit'))
def t_upstream_revision(t):
    """The same sequence on upstream netkit (bpf() syscall) and on
    netkit2 (netkit2ctl): revisions and errnos must agree."""
    need_tools()
    with nl.NL() as n:
        r = n.newlink('netkit', name='nku0', peer={'name': 'nku1'})
        t.require(r.errno == 0, 'create upstream netkit pair', r)
        t.dev('nku0')
        up = n.getlink('nku0')['index']
    a, _ = mkpair(t)
    fd = bpfsys.load()
    try:
        pid = bpfsys.prog_id(fd)
        seq = []
        # upstream
        u = [bpfsys.query(up)[1]]
        u.append(bpfsys.attach(up, fd))
        u.append(bpfsys.query(up)[1])
        u.append(bpfsys.detach(up, fd))
        u.append(bpfsys.query(up))
        u.append(bpfsys.detach(up, 0, revision=99))
        u.append(bpfsys.attach(up, fd, revision=1))
        u.append(bpfsys.attach(up, fd, revision=3))
        u.append(bpfsys.query(up)[1])
        u.append(bpfsys.detach(up, 0, flags=bpfsys.F_BEFORE))
        # netkit2, same steps
        seq.append(query(a, 'primary')[1])
        seq.append(-ctl_errno(ctl('-j attach %s primary id:%d' % (a, pid))))
        seq.append(query(a, 'primary')[1])
        seq.append(-ctl_errno(ctl('-j detach %s primary id %d' % (a, pid))))
        q = query(a, 'primary')
        seq.append((q[0], q[1]))
        seq.append(-ctl_errno(ctl('-j detach %s primary revision 99' % a)))
        seq.append(-ctl_errno(ctl('-j attach %s primary id:%d revision 1' % (a, pid))))
        seq.append(-ctl_errno(ctl('-j attach %s primary id:%d revision 3' % (a, pid))))
        seq.append(query(a, 'primary')[1])
        seq.append(-ctl_errno(ctl('-j detach %s primary first' % a)))
        u[4] = tuple(u[4])
        t.eq(u, [1, 0, 2, 0, ([], 1), -errno.ENOENT, -errno.ESTALE, 0, 4, 0],
             'upstream netkit: revision 1 on an empty list, changes still counted')
        t.eq(seq, u, 'netkit2 reports what upstream reports')
    finally:
        os.close(fd)


# ------------------------------------------------------------------ YNL
def ynl_dir():
    d = os.environ.get('NETKIT2_YNL', '/var/cache/netkit2/src/ynl')
    if not os.path.isfile(os.path.join(d, 'tools', 'net', 'ynl', 'pyynl', 'cli.py')):
        raise Fail('no ynl tree at %s (scripts/prepare extracts it)' % d)
    return d


def schema():
    return os.path.join(ynl_dir(), 'Documentation', 'netlink', 'genetlink-legacy.yaml')


_YNL = []


def ynl_lib():
    """The kernel's YNL library (tools/net/ynl/pyynl/lib) of the ynl
    tree, imported once: what its CLI runs, without a Python process (and
    the spec's parsing) per request under TCG."""
    if not _YNL:
        d = os.path.join(ynl_dir(), 'tools', 'net', 'ynl', 'pyynl', 'lib')
        spec = importlib.util.spec_from_file_location(
            'nk2_pyynl', os.path.join(d, '__init__.py'), submodule_search_locations=[d])
        mod = importlib.util.module_from_spec(spec)
        sys.modules['nk2_pyynl'] = mod
        spec.loader.exec_module(mod)
        _YNL.append(mod)
    return _YNL[0]


def load_spec():
    import yaml
    with open(SPEC) as f:
        return yaml.load(f, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))


@test('ynl: the netkit2 spec validates against the genetlink schema')
def t_ynl_validate(t):
    y = ynl_lib()
    try:
        y.SpecFamily(SPEC, schema_path=schema())
    except Exception as e:
        t.check(False, 'the spec validates', '%s: %s' % (type(e).__name__, str(e)[:500]))
    # and the check bites: a spec with an unknown key is refused
    spec = load_spec()
    spec['operations']['list'][0]['no-such-key'] = 1
    import yaml
    with open(SPEC) as f:
        spdx = f.readline()
    with tempfile.NamedTemporaryFile('w', suffix='.yaml', delete=False) as f:
        f.write(spdx)
        yaml.safe_dump(spec, f)
    try:
        y.SpecFamily(f.name, schema_path=schema())
        t.check(False, 'a broken spec fails validation')
    except Exception as e:
        t.check('no-such-key' in str(e), 'a broken spec fails validation on its key', str(e)[:300])
    finally:
        os.unlink(f.name)


def c_name(s):
    return s.upper().replace('-', '_')


def spec_constants(spec):
    """{C name: value} of everything the spec numbers, by YNL's naming."""
    fam = spec['name']
    # ynl's genetlink families are at version 1 unless the spec says otherwise
    out = {c_name(spec['c-family-name']): None,
           c_name(spec['c-version-name']): spec.get('version', 1)}
    for d in spec['definitions']:
        if d['type'] == 'const':
            out[c_name('%s-%s' % (fam, d['name']))] = d['value']
            continue
        prefix = d.get('name-prefix', '%s-%s-' % (fam, d['name']))
        v = d.get('value-start', 0)
        for e in d['entries']:
            e = e if isinstance(e, dict) else {'name': e}
            v = e.get('value', v)
            out[c_name(prefix + e['name'])] = (1 << v) if d['type'] == 'flags' else v
            v += 1
    for s in spec['attribute-sets']:
        v = 0
        for a in s['attributes']:
            v = a.get('value', v)
            out[c_name(s['name-prefix'] + a['name'])] = v
            v += 1
        out[c_name(s['attr-max-name'])] = v - 1
        out[c_name(s['attr-cnt-name'])] = v
    # Directional ids: a request's own, or that of a notification. The
    # attach and detach notifications carry their command's id, which the
    # header names once.
    top = 0
    for op in spec['operations']['list']:
        if 'do' in op:
            v = op['do']['request']['value']
        else:
            v = op['value']
        top = max(top, v)
        name = op['name']
        if name.endswith('-ntf'):
            name = name[:-len('-ntf')]
        out[c_name(spec['operations']['name-prefix'] + name)] = v
    out[c_name(spec['cmd-max-name'])] = top
    out[c_name(spec['cmd-cnt-name'])] = top + 1
    for g in spec['mcast-groups']['list']:
        out[c_name(g['c-define-name'])] = None
    return out


@test('ynl: the spec numbers every name as include/uapi/linux/netkit2.h does')
def t_ynl_consistency(t):
    spec = load_spec()
    want = spec_constants(spec)
    # the header's values, by the compiler
    strings = [n for n, v in want.items() if v is None]
    nums = [n for n, v in want.items() if v is not None]
    src = '#include <stdio.h>\n#include <linux/netkit2.h>\nint main(void)\n{\n'
    for n in nums:
        src += '\tprintf("%s %%lld\\n", (long long)(%s));\n' % (n, n)
    for n in strings:
        src += '\tprintf("%s %%s\\n", %s);\n' % (n, n)
    src += '\treturn 0;\n}\n'
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, 'c.c'), 'w') as f:
            f.write(src)
        r = sh('cc -Wall -Werror -I%s -o %s/c %s/c.c' % (UAPI, d, d))
        t.require(r.returncode == 0, 'every spec name exists in the header', r.stderr[-2000:])
        got = dict(l.split(' ', 1) for l in sh('%s/c' % d, check=True).stdout.splitlines())
    for n in nums:
        t.eq(int(got[n]), want[n], n)
    t.eq(got[c_name(spec['c-family-name'])], spec['name'], 'family name')
    t.eq(got[c_name(spec['mcast-groups']['list'][0]['c-define-name'])],
         spec['mcast-groups']['list'][0]['name'], 'group name')
    t.eq(int(got[c_name(spec['c-version-name'])]), 1, 'family version')
    # and the other way: every attribute and command of the header is in the spec
    with open(os.path.join(UAPI, 'linux', 'netkit2.h')) as f:
        hdr = f.read()
    for pat in (r'^\s+(NETKIT2_A_\w+)', r'^\s+(NETKIT2_CMD_\w+)', r'^\s+(NETKIT2_TARGET_\w+)',
                r'^#define\s+(NETKIT2_F_(?!MASK)\w+)'):
        for n in re.findall(pat, hdr, re.M):
            if n == 'NETKIT2_CMD_UNSPEC':
                continue
            t.check(n in want, '%s of the header is in the spec' % n)
    # the kernel's policy says the same of the attribute types
    t.eq({a['name']: a['type'] for a in spec['attribute-sets'][0]['attributes']}['expected-revision'],
         'u64', 'expected-revision is u64')


def ynl_do(fam, op, vals):
    """(0, reply) or (errno, 'extack message: strerror') of a request."""
    y = ynl_lib()
    try:
        return 0, fam.do(op, vals)
    except y.NlError as e:
        return e.error, str(e)


def ynl_ntfs(fam, n, timeout):
    """Up to N notifications FAM received within TIMEOUT s."""
    got = []
    for m in fam.poll_ntf(duration=timeout):
        got.append(m)
        if len(got) >= n:
            break
    return got


@test('ynl: attach, query, detach and notifications through the spec', NEEDS)
def t_ynl_drive(t):
    a, _ = mkpair(t)
    with nl.NL() as n:
        idx = n.getlink(a)['index']
    fam = ynl_lib().YnlFamily(SPEC, schema='')
    fam.ntf_subscribe('changes')
    f1, f2 = bpfsys.load(), bpfsys.load()
    try:
        id1, id2 = bpfsys.prog_id(f1), bpfsys.prog_id(f2)
        err, r = ynl_do(fam, 'query', {'ifindex': idx, 'target': 'primary'})
        t.eq(err, 0, 'query %s' % (r,))
        t.eq(r, {'ifindex': idx, 'target': 'primary', 'revision': 1,
                 'prog-ids': [], 'prog-owners': []}, 'empty list decoded')
        err, r = ynl_do(fam, 'attach', {'ifindex': idx, 'target': 'primary', 'prog-fd': f1})
        t.eq(err, 0, 'attach by prog-fd %s' % (r,))
        err, r = ynl_do(fam, 'attach', {'ifindex': idx, 'target': 'primary', 'prog-fd': f2,
                                        'flags': ['before'], 'relative-id': id1,
                                        'expected-revision': 2})
        t.eq(err, 0, 'attach before, flags by name %s' % (r,))
        err, r = ynl_do(fam, 'query', {'ifindex': idx, 'target': 'primary'})
        t.eq((r['prog-ids'], r['revision']), ([id2, id1], 3), 'order and revision')
        t.eq(ids(a, 'primary'), [id2, id1], 'netkit2ctl agrees')
        err, r = ynl_do(fam, 'attach', {'ifindex': idx, 'target': 'primary', 'prog-fd': f1})
        t.check(err == errno.EEXIST and 'File exists' in r, 'EEXIST reported', r)
        err, r = ynl_do(fam, 'attach', {'ifindex': 1, 'target': 'primary', 'prog-fd': f1})
        t.check(err and 'not a netkit2 device' in r, 'extack message reported', r)
        err, r = ynl_do(fam, 'detach', {'ifindex': idx, 'target': 'primary', 'prog-id': id2})
        t.eq(err, 0, 'detach by prog-id %s' % (r,))
        t.eq(ids(a, 'primary'), [id1], 'detached')
        err, r = ynl_do(fam, 'attach', {'ifindex': idx, 'target': 'peer', 'prog-fd': f2})
        t.eq(err, 0, 'attach to the peer side %s' % (r,))
        with nl.NL() as n:
            t.eq(n.dellink(a).errno, 0, 'delete the pair')
        got = ynl_ntfs(fam, 6, 30)
        t.eq([(m['name'], m['msg']['target'], m['msg']['prog-ids']) for m in got],
             [('attach-ntf', 'primary', [id1]), ('attach-ntf', 'primary', [id2, id1]),
              ('detach-ntf', 'primary', [id1]), ('attach-ntf', 'peer', [id2]),
              ('release', 'primary', [id1]), ('release', 'peer', [id2])],
             'notifications decoded by name')
    finally:
        os.close(f1)
        os.close(f2)
        fam.sock.close()


@test('bpfctl: make install-tools installs the tools, library and manual pages')
def t_install_tools(t):
    if not os.access(CTL, os.X_OK):
        raise Fail('tools not built')
    with tempfile.TemporaryDirectory() as d:
        r = sh('make -s -C %s install-tools DESTDIR=%s PREFIX=/usr' % (ROOT, d), timeout=120)
        t.eq(r.returncode, 0, 'install-tools ' + r.stderr[-500:])
        for f in ('usr/sbin/netkit2ctl', 'usr/share/man/man8/netkit2ctl.8',
                  'usr/share/man/man3/libnetkit2.3', 'usr/lib/libnetkit2.a',
                  'usr/lib/libnetkit2.so.0', 'usr/include/netkit2/netkit2.h',
                  'usr/include/linux/netkit2.h'):
            t.check(os.path.isfile(os.path.join(d, f)), '%s installed' % f)
        r = sh('%s/usr/sbin/netkit2ctl' % d)
        t.eq(r.returncode, 2, 'installed netkit2ctl runs (usage)')
        for page in ('usr/share/man/man8/netkit2ctl.8', 'usr/share/man/man3/libnetkit2.3'):
            with open(os.path.join(d, page)) as f:
                text = f.read()
            t.check('\n.TH ' in text and '.SH SYNOPSIS' in text, '%s is a manual page' % page)
