# SPDX-License-Identifier: GPL-2.0
"""tests/nicsim/nicsim.ko from the tests: load it with N devices of Q queues,
find the devices (they hang off platform devices nicsim.0, nicsim.1, ...),
unload it; and the ethtool netlink requests that switch header split
(tcp-data-split) on, which the core wants before a memory provider."""

import json
import os
import time

import genl
import nl
from harness import sh, Skip, Fail

HERE = os.path.dirname(os.path.abspath(__file__))
KO = os.path.join(os.path.dirname(HERE), 'nicsim', 'nicsim.ko')
PLATFORM = '/sys/bus/platform/devices'
SYS_MODULE = '/sys/module/nicsim'

# include/uapi/linux/ethtool_netlink*.h
ETHTOOL_MSG_RINGS_GET = 15
ETHTOOL_MSG_RINGS_SET = 16
ETHTOOL_A_RINGS_HEADER = 1
ETHTOOL_A_HEADER_DEV_INDEX = 1
ETHTOOL_A_RINGS_TCP_DATA_SPLIT = 11
TCP_DATA_SPLIT_DISABLED = 1
TCP_DATA_SPLIT_ENABLED = 2


def unavailable():
    """Why nicsim cannot be used on the running kernel, or None."""
    if not os.path.exists(KO):
        return ('nicsim.ko not built for this kernel (tests/nicsim: it needs rx '
                'queue management operations)')
    vm = sh('modinfo -F vermagic %s' % KO).stdout.split()
    if not vm or vm[0] != os.uname().release:
        return 'nicsim.ko was built for %s, not %s' % (vm[0] if vm else '?',
                                                        os.uname().release)
    return None


def loaded():
    return os.path.isdir(SYS_MODULE)


def insmod(*params):
    """insmod nicsim.ko with PARAMS: the CompletedProcess."""
    return sh('insmod %s %s' % (KO, ' '.join(params)))


def rmmod():
    return sh('rmmod nicsim')


def ifindex(name):
    p = sh('ip -j link show dev %s' % name)
    return json.loads(p.stdout)[0]['ifindex'] if p.returncode == 0 else None


def dev_name(i):
    """The net_device of platform device nicsim.I once its name is stable
    (udev may rename it), or None."""
    d = '%s/nicsim.%d/net' % (PLATFORM, i)
    for _ in range(100):
        if os.path.isdir(d) and os.listdir(d):
            break
        time.sleep(0.1)
    else:
        return None
    sh('udevadm settle -t 10')
    prev = None
    for _ in range(50):
        names = os.listdir(d)
        name = names[0] if names else None
        if name is not None and name == prev and ifindex(name) is not None:
            return name
        prev = name
        time.sleep(0.2)
    return None


class Nicsim:
    """nicsim.ko with one device of NQ queues, up (with header split on if
    HEADER_SPLIT); unloaded on exit. Has the interface of the lease tests'
    netdevsim device (name, remove())."""

    def __init__(self, nq=4, header_split=False):
        self.nq = nq
        self.header_split = header_split
        self.name = None
        self.ours = False

    def __enter__(self):
        why = unavailable()
        if why:
            raise Skip(why)
        if loaded():
            # Left by an earlier test that failed half-way.
            p = rmmod()
            if p.returncode:
                raise Fail('nicsim already loaded and cannot be removed: %s' %
                           p.stderr.strip())
        p = insmod('devices=1', 'queues=%d' % self.nq)
        if p.returncode:
            raise Fail('insmod %s: %s' % (KO, p.stderr.strip()))
        self.ours = True
        self.name = dev_name(0)
        if self.name is None:
            self.remove()
            raise Fail('nicsim loaded but no net device under nicsim.0')
        if self.header_split:
            e = set_tcp_data_split(self.name, True)
            if e[0] != 'OK':
                self.remove()
                raise Fail('tcp-data-split on %s: %s' % (self.name, e))
        # queue-get answers only for devices that are up.
        sh('ip link set %s up' % self.name, check=True)
        return self

    def remove(self):
        if self.ours:
            self.ours = False
            p = rmmod()
            if p.returncode:
                raise Fail('rmmod nicsim: %s' % p.stderr.strip())

    def __exit__(self, *a):
        self.remove()


def _ethtool():
    with genl.Genl() as g:
        f = g.family('ethtool')
    if f is None:
        raise Fail('no ethtool generic netlink family')
    return f[0]


def _header(dev):
    return genl.Nest(ETHTOOL_A_RINGS_HEADER, [nl.u32(ETHTOOL_A_HEADER_DEV_INDEX, ifindex(dev))])


def set_tcp_data_split(dev, on):
    """ethtool -G DEV tcp-data-split on|off over netlink (bookworm's
    ethtool has no such option): (errno name, extack)."""
    fid = _ethtool()
    with genl.Genl() as g:
        r = g.do(fid, ETHTOOL_MSG_RINGS_SET,
                 [_header(dev), nl.u8(ETHTOOL_A_RINGS_TCP_DATA_SPLIT,
                                      TCP_DATA_SPLIT_ENABLED if on else TCP_DATA_SPLIT_DISABLED)])
    return r.ename, r.msg


def tcp_data_split(dev):
    """The header split setting DEV reports: 'on', 'off' or None (unknown)."""
    fid = _ethtool()
    with genl.Genl() as g:
        r = g.do(fid, ETHTOOL_MSG_RINGS_GET, [_header(dev)])
    if r.errno:
        raise Fail('rings-get %s: %s %s' % (dev, r.ename, r.msg))
    v = genl.reply_attrs(r).get(ETHTOOL_A_RINGS_TCP_DATA_SPLIT)
    return {TCP_DATA_SPLIT_ENABLED: 'on', TCP_DATA_SPLIT_DISABLED: 'off'}.get(v[0] if v else 0)
