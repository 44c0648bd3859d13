# SPDX-License-Identifier: GPL-2.0
"""A short run of the netlink fuzzer (tests/lib/fuzz.py) on every kernel:
NETKIT2_FUZZ_BUDGET seconds (default 30) from seed NETKIT2_FUZZ_SEED
(default: the time; the seed is printed). tests/fuzz/run is the long run
of check-debug."""

import os
import time

import fuzz
from harness import test, sh, dmesg_lines

NEEDS = ('module',)


@test('fuzz: netlink and generic netlink requests leave nothing behind', NEEDS)
def t_fuzz(t):
    sh('modprobe netkit2', check=True)
    seed = int(os.environ.get('NETKIT2_FUZZ_SEED') or time.time())
    budget = float(os.environ.get('NETKIT2_FUZZ_BUDGET') or 30)
    seen = len(dmesg_lines())
    f = fuzz.Fuzzer(seed)
    try:
        steps = f.run(budget)
    finally:
        problems = f.finish()
    t.note('seed %d: %d requests in %.0f s: %s' % (seed, steps, budget, f.summary()))
    t.check(steps > 50, 'the fuzzer made requests', steps)
    for p in problems:
        t.check(False, p)
    splats = [l for l in dmesg_lines()[seen:] if 'WARNING' in l or 'BUG' in l or 'Oops' in l]
    t.eq(splats, [], 'no splat (seed %d)' % seed)
    # what it made is gone: the module unloads and comes back
    r = sh('rmmod netkit2')
    t.check(r.returncode == 0, 'rmmod after the fuzzer', r.stderr)
    sh('modprobe netkit2', check=True)
