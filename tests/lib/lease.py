# SPDX-License-Identifier: GPL-2.0
"""Helpers of the lease and zero-copy tests (t_95_lease, t_96_nicsim):
physical devices to lease from (netdevsim or nicsim), queue-create and
queue-get through the netdev family, AF_XDP, devmem and io_uring probes."""

import errno
import json
import os
import random
import time

import genl
import nicsim
import nl
import zc
from genl import NETDEV_CMD_QUEUE_CREATE, NETDEV_CMD_QUEUE_GET, QUEUE_TYPE_RX
from harness import sh, Skip, Fail, upstream_netkit_available, wait_until


NSIM_BUS = '/sys/bus/netdevsim'


def kernel_exports(sym):
    """Whether the running kernel exports SYM to modules (kallsyms has
    __ksymtab_SYM); checked against a symbol every kernel exports."""
    with open('/proc/kallsyms') as f:
        names = {ln.split()[2] for ln in f if '__ksymtab_' in ln}
    if '__ksymtab_netif_set_real_num_rx_queues' not in names:
        raise Fail('cannot read exports from /proc/kallsyms')
    return '__ksymtab_' + sym in names


def netdev_family():
    with genl.Genl() as g:
        return g.family('netdev')


def has_queue_create():
    f = netdev_family()
    return f is not None and NETDEV_CMD_QUEUE_CREATE in f[1]


def can_lease(t):
    """Built-in netkit leases wherever the kernel has queue-create; the
    module also needs the lease teardown exported (patches/)."""
    if not has_queue_create():
        return False
    return t.kind == 'netkit' or (kernel_exports('netdev_rx_queue_unlease') and
                                  kernel_exports('dev_get_min_mp_channel_count'))


# The messages of each kind's own refusals (the rest come from the core).
MSG = {
    'netkit': {'primary': 'netkit can only lease against the peer device',
               'limit': 'netkit maximum queue limit reached'},
    'netkit2': {'primary': 'netkit2 leases queues only to the peer of a pair',
                'limit': 'netkit2 device has all of its 2 rx queues in use (numrxqueues)'},
}


def ename(r):
    """errno name of R; Python calls 95 ENOTSUP, the kernel EOPNOTSUPP."""
    return 'EOPNOTSUPP' if r.errno == errno.EOPNOTSUPP else r.ename


def ns_arg(ns):
    return '-n %s ' % ns if ns else ''


def ifindex(name, ns=None):
    p = sh('ip %s-j link show dev %s' % (ns_arg(ns), name))
    if p.returncode:
        return None
    return json.loads(p.stdout)[0]['ifindex']


def rx_queues(name, ns=None):
    p = sh('%sls /sys/class/net/%s/queues' %
           ('ip netns exec %s ' % ns if ns else '', name), check=True)
    return len([q for q in p.stdout.split() if q.startswith('rx-')])


def load_nsim():
    """The kernel's netdevsim, else the one scripts/check built from the
    kernel's source into tests/.nsim (with its dependencies)."""
    if sh('modprobe netdevsim').returncode == 0:
        return
    ko = os.path.join(os.path.dirname(os.path.abspath(__file__)), '.nsim', 'netdevsim.ko')
    if not os.path.exists(ko):
        return
    deps = sh('modinfo -F depends %s' % ko).stdout.strip()
    for d in filter(None, deps.split(',')):
        sh('modprobe %s' % d)
    p = sh('insmod %s' % ko)
    if p.returncode:
        raise Fail('insmod %s: %s' % (ko, p.stderr.strip()))


class Nsim:
    """A netdevsim device with one port and NQ queues; removed on exit."""

    def __init__(self, nq=4):
        self.nq = nq
        self.id = None
        self.name = None

    def __enter__(self):
        if not os.path.isdir(NSIM_BUS):
            load_nsim()
        if not os.path.isdir(NSIM_BUS):
            raise Skip('netdevsim cannot be loaded on this kernel')
        self.id = random.randint(1000, 60000)
        with open(NSIM_BUS + '/new_device', 'w') as f:
            f.write('%d 1 %d' % (self.id, self.nq))
        d = '%s/devices/netdevsim%d/net' % (NSIM_BUS, self.id)
        for _ in range(100):
            if os.path.isdir(d) and os.listdir(d):
                break
            time.sleep(0.1)
        # udev may still rename the port: take the name once it is stable.
        sh('udevadm settle -t 10')
        prev = None
        for _ in range(50):
            self.name = os.listdir(d)[0]
            if self.name == prev and ifindex(self.name) is not None:
                break
            prev = self.name
            time.sleep(0.2)
        # queue-get answers only for devices that are up.
        sh('ip link set %s up' % self.name, check=True)
        return self

    def remove(self):
        if self.id is not None:
            with open(NSIM_BUS + '/del_device', 'w') as f:
                f.write('%d' % self.id)
            self.id = None

    def __exit__(self, *a):
        self.remove()

    def has_queue_ops(self):
        """netdevsim got its queue management operations together with the
        debugfs file that restarts a queue through them."""
        dbg = '/sys/kernel/debug'
        if not os.path.isdir(dbg + '/netdevsim'):
            sh('mount -t debugfs none %s' % dbg)
        return os.path.exists('%s/netdevsim/netdevsim%d/ports/0/queue_reset' % (dbg, self.id))


_phys_kind = []


def phys_kind():
    """'netdevsim' or 'nicsim': the physical device the lease tests use.
    NETKIT2_LEASE_PHYS=netdevsim|nicsim chooses; by default netdevsim where
    it loads and has queue management operations (7.x), else nicsim (a
    6.12 netdevsim has none, stock kernels may have no netdevsim)."""
    want = os.environ.get('NETKIT2_LEASE_PHYS')
    if want:
        if want not in ('netdevsim', 'nicsim'):
            raise Fail('NETKIT2_LEASE_PHYS=%s: netdevsim or nicsim' % want)
        return want
    if not _phys_kind:
        try:
            with Nsim(1) as ns:
                ok = ns.has_queue_ops()
        except Skip:
            ok = False
        _phys_kind.append('netdevsim' if ok else 'nicsim')
    return _phys_kind[0]


def Phys(nq=4):
    """A physical device with NQ rx queues to lease from (see phys_kind()):
    a context manager giving .name and .remove(). nicsim comes with header
    split on, as a NIC set up for zero-copy receive."""
    if phys_kind() == 'netdevsim':
        return Nsim(nq)
    return nicsim.Nicsim(nq, header_split=True)


def create(fid, dev, lease_dev, queue, ns=None, lease_ns_id=None, **kw):
    with genl.Genl(ns) as g:
        return g.do(fid, NETDEV_CMD_QUEUE_CREATE,
                    genl.queue_create_attrs(ifindex(dev, ns), ifindex(lease_dev) if
                                            isinstance(lease_dev, str) else lease_dev,
                                            queue, netns_id=lease_ns_id, **kw))


def queue_get(fid, dev, qid, ns=None):
    with genl.Genl(ns) as g:
        return g.do(fid, NETDEV_CMD_QUEUE_GET,
                    [nl.u32(genl.NETDEV_A_QUEUE_IFINDEX, ifindex(dev, ns)),
                     nl.u32(genl.NETDEV_A_QUEUE_ID, qid),
                     nl.u32(genl.NETDEV_A_QUEUE_TYPE, QUEUE_TYPE_RX)])


def phys_lease(fid, dev, qid):
    """The lease queue-get reports for rx queue QID of physical DEV (the
    core reports it on the physical side only), or None."""
    r = queue_get(fid, dev, qid)
    if r.errno:
        raise Fail('queue-get %s rx %d: %s %s' % (dev, qid, r.ename, r.msg))
    return genl.queue_lease(r)


def new_single(t, name, numrx=4, kind=None):
    with nl.NL() as n:
        r = n.newlink(kind or t.kind, name=t.dev(name), numrx=numrx, pairing=nl.SINGLE)
    t.require(r.errno == 0, 'create single %s' % name, r)


def new_pair(t, name, peer, numrx=4, kind=None):
    with nl.NL() as n:
        r = n.newlink(kind or t.kind, name=t.dev(name), numrx=numrx,
                      peer={'name': peer, 'numrx': numrx})
    t.require(r.errno == 0, 'create pair %s/%s' % (name, peer), r)


def kinds(t):
    """The kinds a test sets up: its own and, for netkit2, upstream netkit
    where the kernel has it with queue-create, whose answers netkit2's
    must equal."""
    ks = [t.kind]
    if t.kind == 'netkit2' and has_queue_create() and upstream_netkit_available():
        ks.append('netkit')
    return ks


def kname(name, kind):
    """Device name NAME for KIND: upstream netkit's copies end in 'u'."""
    return name if kind == 'netkit2' else name + 'u'


def same_as_upstream(t, got, what):
    """GOT maps each kind to its outcome: netkit2's must be upstream's."""
    if 'netkit' in got and 'netkit2' in got:
        t.eq(got['netkit2'], got['netkit'], '%s: netkit2 answers as upstream netkit' % what)
    elif t.kind == 'netkit2':
        t.note('%s: no upstream netkit with queue-create to compare with' % what)


def need_lease(t):
    if not can_lease(t):
        raise Skip('kernel cannot lease queues to modules (no queue-create or no exports)')
    return netdev_family()[0]


def ynl_cli():
    """The kernel's ynl CLI and netdev spec, where the run provides them
    (NETKIT2_YNL=.../tools/net/ynl/pyynl/cli.py, NETKIT2_YNL_SPEC=...)."""
    cli, spec = os.environ.get('NETKIT2_YNL'), os.environ.get('NETKIT2_YNL_SPEC')
    if not cli or not spec or not os.path.exists(cli) or not os.path.exists(spec):
        raise Skip('no ynl CLI in this run (NETKIT2_YNL, NETKIT2_YNL_SPEC)')
    return 'python3 %s --spec %s --no-schema --output-json' % (cli, spec)


def set_channels(dev, n):
    """ethtool -L DEV combined N: (exit status, stderr's netlink message)."""
    p = sh('ethtool -L %s combined %d' % (dev, n))
    msg = [ln.split('netlink error:', 1)[1].strip() for ln in p.stderr.splitlines()
           if 'netlink error:' in ln]
    return p.returncode, msg[0] if msg else p.stderr.strip() or None


def wait_unleased(fid, dev, q):
    return wait_until(lambda: phys_lease(fid, dev, q) is None, 10, 0.2)


NETDEV_A_QUEUE_XSK = 7


def has_xsk(fid, dev, q, ns=None):
    """Whether queue-get of DEV's rx queue Q reports an AF_XDP pool."""
    r = queue_get(fid, dev, q, ns)
    if r.errno:
        raise Fail('queue-get %s rx %d: %s %s' % (dev, q, r.ename, r.msg))
    return NETDEV_A_QUEUE_XSK in genl.reply_attrs(r)


def need_xsk(t):
    """need_lease(), and AF_XDP sockets in this kernel."""
    fid = need_lease(t)
    try:
        zc.Xsk().close()
    except OSError as e:
        raise Skip('no AF_XDP sockets: %s' % e)
    return fid


# ethtool's refusal to remove a queue with an AF_XDP pool: 7.x words it
# as the lease checks do, 6.x as it always has.
XSK_BUSY = 'Device queue in use by AF_XDP'


XSK_BUSY_6 = 'requested channel counts are too low for existing zerocopy AF_XDP sockets'


def xsk_busy(res):
    """RES with the channel resize's message read as XSK_BUSY where it is
    6.x's wording of the same refusal."""
    res = list(res)
    if isinstance(res[3], tuple) and res[3][1] == XSK_BUSY_6:
        res[3] = (res[3][0], XSK_BUSY)
    return tuple(res)


NETDEV_CMD_BIND_RX = 13


NETDEV_A_DEV_IFINDEX = 1


NETDEV_A_DMABUF_QUEUES = 2


NETDEV_A_DMABUF_FD = 3


NETDEV_A_QUEUE_DMABUF = 5


def bind_rx(g, fid, dev, q, fd):
    """netdev bind-rx of dma-buf FD to DEV's rx queue Q on genl socket G
    (the binding lasts as long as G): (errno name, extack)."""
    r = g.do(fid, NETDEV_CMD_BIND_RX,
             [nl.u32(NETDEV_A_DEV_IFINDEX, ifindex(dev)),
              genl.Nest(NETDEV_A_DMABUF_QUEUES,
                        [nl.u32(genl.NETDEV_A_QUEUE_ID, q),
                         nl.u32(genl.NETDEV_A_QUEUE_TYPE, QUEUE_TYPE_RX)]),
              nl.u32(NETDEV_A_DMABUF_FD, fd)])
    return ename(r), r.msg


def has_dmabuf(fid, dev, q):
    r = queue_get(fid, dev, q)
    if r.errno:
        raise Fail('queue-get %s rx %d: %s %s' % (dev, q, r.ename, r.msg))
    return NETDEV_A_QUEUE_DMABUF in genl.reply_attrs(r)


NETDEV_A_QUEUE_IO_URING = 6
