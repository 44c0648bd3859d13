#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a benchmark run's raw.tsv into results.md and chart.png.

    bench/report.py DIR [--smoke]

DIR holds raw.tsv (REP FIGURE CANDIDATE VALUE per line, from
bench/guest.sh) and meta.txt. Each figure is the median over the
repetitions, with its spread (half the range, in per cent of the median).
With --smoke the exit status says whether every figure has a positive
value for every candidate it applies to: the tool works; no figure is
judged.
"""

import collections
import math
import os
import shutil
import statistics
import subprocess
import sys

DATA_CANDS = ['lo', 'veth', 'netkit', 'netkit2', 'netkit-l2', 'netkit2-l2']
NK_CANDS = ['netkit', 'netkit2', 'netkit-l2', 'netkit2-l2']
# With programs: veth runs them on tcx ingress of the receiving device.
PROG_CANDS = ['veth'] + NK_CANDS
CP_KINDS = ['veth', 'netkit', 'netkit2']

# key, title, unit, scale, higher-is-better, candidates, data path
ROWS = [
    ('tcp1.gbps', 'TCP stream, 1 flow', 'Gbit/s', 1, True, DATA_CANDS),
    ('tcp4.gbps', 'TCP stream, 4 flows', 'Gbit/s', 1, True, DATA_CANDS),
    ('rr.rr_tps', 'TCP request/response', 'trans/s', 1, True, DATA_CANDS),
    ('rr.rr_p50_us', 'TCP RR latency p50', 'us', 1, False, DATA_CANDS),
    ('rr.rr_p99_us', 'TCP RR latency p99', 'us', 1, False, DATA_CANDS),
    ('udp.tx_pps', 'UDP 64 B, sent', 'kpps', 1e-3, True, DATA_CANDS),
    ('udp.rx_pps', 'UDP 64 B, received', 'kpps', 1e-3, True, DATA_CANDS),
    ('pktgen.pps', 'pktgen 64 B into xmit', 'kpps', 1e-3, True, DATA_CANDS),
    ('tcp4+pass.gbps', 'TCP stream, 4 flows, pass-through prog', 'Gbit/s', 1, True, PROG_CANDS),
    ('tcp4+redirect.gbps', 'TCP stream, 4 flows, redirect prog', 'Gbit/s', 1, True, PROG_CANDS),
]
for _set, _what in (('pass', 'pass-through prog'), ('chain8', 'chain of 8 progs'),
                    ('redirect', 'redirect prog')):
    ROWS += [
        ('udp+%s.tx_pps' % _set, 'UDP 64 B sent, %s' % _what, 'kpps', 1e-3, True, PROG_CANDS),
        ('udp+%s.rx_pps' % _set, 'UDP 64 B received, %s' % _what, 'kpps', 1e-3, True, PROG_CANDS),
        ('pktgen+%s.pps' % _set, 'pktgen 64 B, %s' % _what, 'kpps', 1e-3, True, PROG_CANDS),
    ]
# The cost of one program, from the packet generator: the time per packet
# with the chain of 8 minus that with the single pass-through program, over
# the 7 programs the chain has in addition (per repetition and candidate).
ROWS.append(('pktgen.prog_ns', 'pktgen: cost of one more program', 'ns', 1, False, PROG_CANDS))
# Segments the TCP senders retransmitted (iperf3's count). In the guest
# they are mostly spurious (tail-loss probes, reordering; the receiver
# answers with DSACKs): a sign of the stack's timing, which moves the
# throughput of that repetition more than the device does.
RETR_ROWS = [('tcp1.retr', 'TCP stream, 1 flow'), ('tcp4.retr', 'TCP stream, 4 flows'),
             ('tcp4+pass.retr', 'TCP stream, 4 flows, pass-through prog'),
             ('tcp4+redirect.retr', 'TCP stream, 4 flows, redirect prog')]
CP_ROWS = [
    ('pairs.create_us', 'create a pair', 'us', 1, False, CP_KINDS),
    ('pairs.delete_us', 'delete a pair', 'us', 1, False, CP_KINDS),
    ('pairs.mem_kib', 'memory per device (MemFree)', 'KiB', 1, False, CP_KINDS),
    ('pairs.slab_kib', 'memory per device (Slab+Percpu)', 'KiB', 1, False, CP_KINDS),
    ('progs.attach_us', 'attach a program (63 in turn)', 'us', 1, False, CP_KINDS),
    ('progs.replace_us', 'replace a program (63 in turn)', 'us', 1, False, CP_KINDS),
    ('progs.detach_us', 'detach a program (63 in turn)', 'us', 1, False, CP_KINDS),
]
# Pod to pod through two pairs (bench/guest.sh, setup_pods): netkit2 with
# bpf_redirect_peer() straight into the other pod, and bpf_redirect()
# through the other pair's host-side device for netkit2 and upstream
# netkit (which drops what bpf_redirect_peer() sends from its programs).
POD_CANDS = ['pods-peer', 'pods-redirect', 'pods-nk-redirect']
POD_ROWS = [
    ('pods-udp.tx_pps', 'UDP 64 B, sent', 'kpps', 1e-3, True, POD_CANDS),
    ('pods-udp.rx_pps', 'UDP 64 B, received', 'kpps', 1e-3, True, POD_CANDS),
    ('pods-pktgen.pps', 'pktgen 64 B into xmit', 'kpps', 1e-3, True, POD_CANDS),
    ('pods-rr.rr_tps', 'TCP request/response', 'trans/s', 1, True, POD_CANDS),
    ('pods-rr.rr_p50_us', 'TCP RR latency p50', 'us', 1, False, POD_CANDS),
    ('pods-rr.rr_p99_us', 'TCP RR latency p99', 'us', 1, False, POD_CANDS),
]
# Where netkit2 must be ahead of veth: multi-flow throughput and the
# small-packet rate, bare and with the programs a datapath attaches.
VETH_BAR = {'tcp4.gbps', 'udp.tx_pps', 'udp.rx_pps', 'pktgen.pps',
            'tcp4+pass.gbps', 'tcp4+redirect.gbps'}
VETH_BAR |= {'%s+%s.%s' % (f, s, u) for s in ('pass', 'chain8', 'redirect')
             for f, u in (('udp', 'tx_pps'), ('udp', 'rx_pps'), ('pktgen', 'pps'))}
NK_BAR = 0.98


BY_REP = collections.defaultdict(dict)


def load(path):
    vals = collections.defaultdict(list)
    if not os.path.exists(path):
        return vals
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) != 4:
                continue
            try:
                v = float(parts[3])
            except ValueError:
                continue
            vals[(parts[1], parts[2])].append(v)
            BY_REP[(parts[1], parts[2])][parts[0]] = v
    return vals


def derive(vals):
    """Add the figures computed from measured ones (pktgen.prog_ns)."""
    for cand in PROG_CANDS:
        one = BY_REP.get(('pktgen+pass.pps', cand), {})
        eight = BY_REP.get(('pktgen+chain8.pps', cand), {})
        for rep in sorted(set(one) & set(eight)):
            if one[rep] > 0 and eight[rep] > 0:
                ns = (1e9 / eight[rep] - 1e9 / one[rep]) / 7
                vals[('pktgen.prog_ns', cand)].append(ns)
                BY_REP[('pktgen.prog_ns', cand)][rep] = ns


def stat(vals, key, cand):
    v = vals.get((key, cand))
    if not v:
        return None
    med = statistics.median(v)
    spread = (max(v) - min(v)) / 2 / med * 100 if med else 0.0
    return med, spread, len(v)


def fmt(x, scale):
    x *= scale
    if x >= 100:
        return '%.0f' % x
    if x >= 10:
        return '%.1f' % x
    return '%.2f' % x


def paired(key, a, b, higher):
    """How good a is relative to b (> 1: a is better) in each repetition,
    whose measurements of a and b were taken close together in time."""
    ra, rb = BY_REP.get((key, a), {}), BY_REP.get((key, b), {})
    return [ra[r] / rb[r] if higher else rb[r] / ra[r]
            for r in ra if r in rb and ra[r] > 0 and rb[r] > 0]


def ratio(vals, key, a, b, higher):
    """The median of the per-repetition ratios of a to b, or None."""
    rs = paired(key, a, b, higher)
    return statistics.median(rs) if rs else None


# Student's t, two-sided 95 %, by degrees of freedom.
T95 = [12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
       2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086]


def interval(rs):
    """95 % confidence interval of the typical ratio (the geometric mean of
    the per-repetition ratios, through the t distribution of their
    logarithms), or None with fewer than three repetitions."""
    if len(rs) < 3:
        return None
    logs = [math.log(r) for r in rs]
    mean, sd = statistics.mean(logs), statistics.stdev(logs)
    half = (T95[len(rs) - 2] if len(rs) - 1 <= len(T95) else 1.96) * sd / math.sqrt(len(rs))
    return math.exp(mean - half), math.exp(mean + half)


def verdict(key, a, b, higher, bar, what):
    """Met when the whole confidence interval of the ratio lies at or above
    the bar, missed when it lies below, else undecided: the noise of the
    run is larger than the distance to the bar."""
    ci = interval(paired(key, a, b, higher))
    if ci is None:
        return None
    if ci[0] >= bar:
        return '%s met' % what
    if ci[1] < bar:
        return '**%s missed**' % what
    return '%s: undecided' % what


def table(vals, rows, cands, ratios, bars, partial=False):
    """The Markdown table of ROWS; with PARTIAL (a run of some figures
    only), rows without a single value are left out, not missing."""
    out = []
    head = ['figure', 'unit'] + cands + [r[0] for r in ratios]
    if bars:
        head.append('bar')
    out.append('| ' + ' | '.join(head) + ' |')
    out.append('|' + '---|' * len(head))
    missing = []
    for key, title, unit, scale, higher, applies in rows:
        if partial and not any(stat(vals, key, c) for c in applies):
            continue
        cells = [title + ('' if higher else ' (lower is better)'), unit]
        for c in cands:
            s = stat(vals, key, c)
            if c not in applies:
                cells.append('')
            elif s is None or s[0] <= 0 and higher:
                cells.append('**missing**')
                missing.append('%s/%s' % (key, c))
            else:
                cells.append('%s ±%.0f%%' % (fmt(s[0], scale), s[1]))
        verdicts = []
        for _name, a, b in ratios:
            r = ratio(vals, key, a, b, higher) if a in applies and b in applies else None
            ci = interval(paired(key, a, b, higher)) if r is not None and bars else None
            cells.append('' if r is None else '%.3f' % r if ci is None else
                         '%.3f (%.3f-%.3f)' % (r, ci[0], ci[1]))
        if bars:
            for a, b in (('netkit2', 'netkit'), ('netkit2-l2', 'netkit-l2')):
                v = verdict(key, a, b, higher, NK_BAR, 'L2' if a.endswith('-l2') else 'L3')
                if v:
                    verdicts.append(v)
            if key in VETH_BAR:
                v = verdict(key, 'netkit2', 'veth', higher, 1.0, 'veth')
                if v:
                    verdicts.append(v)
            cells.append('; '.join(verdicts))
        out.append('| ' + ' | '.join(cells) + ' |')
    return out, missing


def retransmits():
    """Per TCP figure and candidate: the segments retransmitted over all
    repetitions, and the repetitions that had any."""
    out = ['| figure | ' + ' | '.join(DATA_CANDS) + ' |',
           '|' + '---|' * (len(DATA_CANDS) + 1)]
    for key, title in RETR_ROWS:
        cells = []
        for c in DATA_CANDS:
            by_rep = BY_REP.get((key, c))
            if not by_rep:
                cells.append('')
                continue
            bad = sorted((r for r in by_rep if by_rep[r] > 0), key=int)
            cells.append('%d' % sum(by_rep.values()) +
                         (' (rep %s)' % ', '.join(bad) if bad else ''))
        if any(cells):
            out.append('| %s | %s |' % (title, ' | '.join(cells)))
    return out if len(out) > 2 else []


def chart(vals, outdir):
    """Data-path figures relative to upstream netkit (L3), as a PNG."""
    gp = shutil.which('gnuplot')
    if not gp:
        return 'gnuplot not found: no chart'
    rows = [r for r in ROWS if r[4]]
    dat = os.path.join(outdir, 'chart.dat')
    with open(dat, 'w') as f:
        f.write('figure ' + ' '.join(DATA_CANDS) + '\n')
        for key, _t, _u, _s, higher, applies in rows:
            line = ['"%s"' % key.replace('_', '-')]
            for c in DATA_CANDS:
                r = ratio(vals, key, c, 'netkit', higher) if c in applies else None
                line.append('%.4f' % r if r else '-')
            f.write(' '.join(line) + '\n')
    script = '''
set terminal pngcairo size 1400,620 font ",10"
set output "%s"
set title "netkit2 benchmark: each figure relative to upstream netkit (L3) of the same run; higher is better"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set datafile missing "-"
set key outside right top
set xtics rotate by -35 scale 0
set ylabel "relative to netkit"
set grid ytics
set yrange [0:*]
plot for [i=2:%d] "%s" using i:xtic(1) title columnhead(i), 1 with lines dt 2 lc rgb "black" notitle
''' % (os.path.join(outdir, 'chart.png'), len(DATA_CANDS) + 1, dat)
    p = subprocess.run([gp], input=script, text=True, capture_output=True)
    if p.returncode:
        return 'gnuplot failed: ' + p.stderr.strip()[:300]
    return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    smoke = '--smoke' in sys.argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = args[0]
    vals = load(os.path.join(outdir, 'raw.tsv'))
    derive(vals)
    meta = ''
    if os.path.exists(os.path.join(outdir, 'meta.txt')):
        meta = open(os.path.join(outdir, 'meta.txt')).read().strip()
    md = ['# netkit2 benchmark', '']
    md += ['```', meta, '```', ''] if meta else []
    md += [
        'Each cell is the median over the repetitions and, after ±, the spread '
        '(half the range, in per cent of the median). Ratios say how netkit2 '
        'does relative to the other candidate, > 1 is better for netkit2 '
        '(for lower-is-better figures the ratio is inverted); each is the '
        'median of the per-repetition ratios, whose two measurements were '
        'taken close together. netkit2/netkit compares L3 with L3; the L2 '
        'pair has its own column. In the data-path table the parentheses give '
        'the 95 %% confidence interval of the typical ratio (geometric mean of '
        'the per-repetition ratios, t distribution; three repetitions or '
        'more). The bar column: L3 and L2 for netkit2 >= %.2fx netkit in that '
        'mode, veth for netkit2 ahead of veth; a bar is met (missed) when the '
        'whole interval lies at or above (below) it, "undecided" when the '
        'interval straddles it: the run\'s noise is larger than the distance '
        'to the bar.' % NK_BAR,
        '',
        '**These figures come from a TCG (software-emulated) guest on a shared '
        'host: absolute numbers say nothing about real hardware, and only '
        'ratios within one run mean anything.**', '']
    if 'instruction-counted' in meta:
        md += [
            'The guest clock counted instructions (one nanosecond per '
            'instruction executed): a figure says how much work the guest '
            'does per packet or transaction, which the host\'s load does not '
            'change; caches, branch prediction and memory are not modelled.',
            '']
    md += [
        '## Data path', '']
    ratios = [('netkit2/netkit', 'netkit2', 'netkit'),
              ('netkit2-l2/netkit-l2', 'netkit2-l2', 'netkit-l2'),
              ('netkit2/veth', 'netkit2', 'veth'),
              ('netkit2/lo', 'netkit2', 'lo')]
    partial = 'only figures matching' in meta
    t, missing = table(vals, ROWS, DATA_CANDS, ratios, True, partial)
    md += t
    md += ['', '## Control plane', '']
    t, m2 = table(vals, CP_ROWS, CP_KINDS,
                  [('netkit2/netkit', 'netkit2', 'netkit'),
                   ('netkit2/veth', 'netkit2', 'veth')], False, partial)
    md += t
    missing += m2
    md += ['', '## Pod to pod through two pairs', '',
           'Each pod holds one end of a pair, the other end is in the host '
           'namespace; the pods\' programs send every packet to the host-side '
           'device of the other pod\'s pair: pods-peer with bpf_redirect_peer() '
           '(netkit2 only: the packet enters the other pod directly, that '
           'device\'s transmit and programs skipped), pods-redirect and '
           'pods-nk-redirect with bpf_redirect() (netkit2, upstream netkit), '
           'through that device\'s transmit.', '']
    t, m3 = table(vals, POD_ROWS, POD_CANDS,
                  [('peer/redirect', 'pods-peer', 'pods-redirect'),
                   ('peer/netkit redirect', 'pods-peer', 'pods-nk-redirect'),
                   ('redirect/netkit redirect', 'pods-redirect', 'pods-nk-redirect')],
                  False, partial)
    md += t
    missing += m3
    up = vals.get(('pods-upstream.peer_replies', 'netkit'))
    if up is not None:
        md += ['', 'Upstream netkit, the same bpf_redirect_peer() programs: %d of 3 '
               'pings answered (it drops them: its programs do not run at tc '
               'ingress).' % up[0]]
    t = retransmits()
    if t:
        md += ['', '## TCP retransmissions', '',
               'Segments the senders retransmitted, summed over the repetitions; '
               'in parentheses the repetitions that had any. Without a loss in '
               'the guest they are spurious (tail-loss probes, reordering, '
               'answered by DSACKs): the TCP stack\'s timing, which moves a '
               'repetition\'s throughput more than the device does.', '']
        md += t
    err = chart(vals, outdir)
    md += ['', '![relative to netkit](chart.png)' if err is None else '(%s)' % err, '']
    if missing:
        md += ['Missing figures: ' + ', '.join(missing), '']
    with open(os.path.join(outdir, 'results.md'), 'w') as f:
        f.write('\n'.join(md))
    print('\n'.join(md))
    if smoke:
        if missing:
            print('bench: smoke run incomplete: ' + ', '.join(missing), file=sys.stderr)
            return 1
        if err is not None:
            print('bench: ' + err, file=sys.stderr)
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
