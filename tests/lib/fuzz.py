# SPDX-License-Identifier: GPL-2.0
"""A structure-aware fuzzer of netkit2's inputs: rtnetlink NEWLINK /
CHANGELINK / DELLINK / GETLINK with IFLA_INFO_DATA and IFLA_NETKIT2_PEER_INFO
built from the real attributes (valid, edge and random values, wrong
lengths, unknown and repeated attributes), the generic netlink commands
(ATTACH, DETACH, QUERY, RELEASE and unknown ones) with every NETKIT2_A_*
attribute (program fds of the right and wrong type, stale and random ids,
flag bits, revisions), and the operations around them that change what the
requests find (up/down, a peer moved into another namespace, that
namespace deleted).

What must hold, checked as it goes (Fuzzer.problems):
  - every request is answered (no hang) with 0 or a negative errno;
  - a refused NEWLINK leaves no device behind;
  - what is refused with EINVAL or ERANGE because of a netkit2 attribute
    says why (extack message);
and at the end (Fuzzer.finish): every device it made can be deleted, no
netkit2 device is left, every program it loaded is freed once its fds
are closed. The caller checks the kernel log (no WARNING/BUG) and that
the module unloads.

    fuzz = Fuzzer(seed); fuzz.run(seconds); fuzz.finish(); fuzz.problems
"""

import errno
import os
import random
import socket
import struct
import time

import bpfsys
import genl
import nl

PREFIX = 'nkf'
NETNS = 'nkt-fuzz'
KINDS = ('netkit2',)
U32_EDGES = (0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff,
             0x80000000, 0xfffffffe, 0xffffffff)
U16_EDGES = (0, 1, 2, 64, 255, 256, 4096, 32768, 57200, 57201, 57202, 65534, 65535)


class Fuzzer:
    def __init__(self, seed, netns=NETNS, log=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.netns = netns
        self.log = log
        self.problems = []
        self.counts = {}
        self.errnos = {}
        self.fds = []
        self.prog_ids = []
        self.made = 0
        os.system('ip netns del %s 2>/dev/null; ip netns add %s' % (netns, netns))
        self.rt = nl.NL()
        self.rt.sock.settimeout(20)
        self.gn = genl.Netkit2()
        self.gn.sock.settimeout(20)
        self.nsfd = nl.netns_fd(netns)
        self.fds.append(self.nsfd)
        # programs: sched_cls of each verdict, one XDP, and a non-BPF fd
        for v in (-1, 0, 2, 7):
            self.prog(bpfsys.load(v, b'nk2fuzz'))
        self.prog(bpfsys.load(2, b'nk2fuzz_xdp', bpfsys.XDP))
        self.fds.append(os.open('/dev/null', os.O_RDONLY))

    def prog(self, fd):
        self.fds.append(fd)
        self.prog_ids.append(bpfsys.prog_id(fd))

    # ------------------------------------------------------------ values
    def u32(self):
        r = self.rng.random()
        if r < 0.5:
            return self.rng.choice(U32_EDGES)
        if r < 0.8:
            return self.rng.randrange(0, 16)
        return self.rng.getrandbits(32)

    def u16(self):
        return self.rng.choice(U16_EDGES) if self.rng.random() < 0.7 else self.rng.getrandbits(16)

    def blob(self, n=None):
        n = self.rng.choice((0, 1, 2, 3, 5, 7, 9, 16, 64)) if n is None else n
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def mangle(self, a):
        """Sometimes give attribute A the wrong length."""
        if isinstance(a.payload, (bytes, bytearray)) and self.rng.random() < 0.08:
            p = bytes(a.payload)
            a.payload = p[:self.rng.randrange(len(p))] if p and self.rng.random() < 0.5 \
                else p + self.blob()
        return a

    def name(self):
        r = self.rng.random()
        if r < 0.75:
            self.made += 1
            return '%s%d' % (PREFIX, self.rng.randrange(12))
        if r < 0.85:
            return '%s%%d' % PREFIX
        if r < 0.9:
            return 'x' * self.rng.choice((15, 16, 17, 40))
        return self.rng.choice(('', 'lo', '.', '..', 'a/b', 'nk f'))

    def ifindex(self):
        r = self.rng.random()
        own = self.own_links()
        if own and r < 0.7:
            return self.rng.choice(list(own))
        if r < 0.8:
            return 1   # lo
        v = self.u32()
        return v - (1 << 32) if v >= 1 << 31 else v   # ifi_index is an int

    def own_links(self):
        """{ifindex: name} of the netkit2 devices in the init namespace."""
        out = {}
        try:
            for m in self.rt.links():
                if m.get('kind') == 'netkit2' or m.get('ifname', '').startswith(PREFIX):
                    out[m['index']] = m.get('ifname', '?')
        except (OSError, KeyError):
            pass
        return out

    def link_attrs(self, peer=False):
        a = []
        choices = [
            lambda: nl.string(nl.IFLA['IFNAME'], self.name()),
            lambda: nl.raw(nl.IFLA['ADDRESS'], self.blob(self.rng.choice((0, 1, 5, 6, 6, 6, 7, 32)))),
            lambda: nl.u32(nl.IFLA['MTU'], self.u32()),
            lambda: nl.u32(nl.IFLA['NUM_RX_QUEUES'], self.rng.choice((0, 1, 2, 8, 1024, 1025, self.u32()))),
            lambda: nl.u32(nl.IFLA['NUM_TX_QUEUES'], self.rng.choice((0, 1, 2, self.u32()))),
            lambda: nl.u32(nl.IFLA['NET_NS_FD'], self.rng.choice((self.nsfd, self.nsfd, 0, 1, 9999))),
            lambda: nl.u32(nl.IFLA['NET_NS_PID'], self.rng.choice((os.getpid(), 1, 0x7fffffff))),
            lambda: nl.u32(nl.IFLA['TXQLEN'], self.u32()),
            lambda: nl.u32(nl.IFLA['GSO_MAX_SIZE'], self.u32()),
            lambda: nl.u32(nl.IFLA['GSO_MAX_SEGS'], self.u32()),
            lambda: nl.u32(nl.IFLA['GROUP'], self.u32()),
            lambda: nl.raw(self.rng.randrange(1, 70), self.blob()),
        ]
        if not peer:
            choices.append(lambda: nl.s32(nl.IFLA['TARGET_NETNSID'], self.rng.choice((0, 1, -1, 77))))
        for _ in range(self.rng.randrange(0, 4)):
            a.append(self.mangle(self.rng.choice(choices)()))
        return a

    def info_data(self):
        d = []
        nk = nl.NK
        fmt = nl.NK_FMT
        keys = list(fmt)
        for _ in range(self.rng.randrange(0, 7)):
            r = self.rng.random()
            if r < 0.2:
                ifi = nl.IfInfo(index=self.rng.choice((0, 0, 0, self.ifindex())),
                                flags=self.rng.choice((0, nl.IFF_UP)),
                                change=self.rng.choice((0, 0xffffffff)),
                                attrs=self.link_attrs(peer=True))
                d.append(nl.A(nk['PEER_INFO'], ifi))
            elif r < 0.25:
                d.append(nl.raw(nk['PEER_INFO'], self.blob()))
            elif r < 0.3:
                d.append(nl.raw(self.rng.randrange(11, 40), self.blob()))
            else:
                k = self.rng.choice(keys)
                if fmt[k] == 'H':
                    v = struct.pack('=H', self.u16())
                elif fmt[k] == 'B':
                    v = struct.pack('=B', self.rng.randrange(256))
                else:
                    v = struct.pack('=I', self.u32())
                d.append(self.mangle(nl.raw(nk[k], v)))
        return d

    # ------------------------------------------------------------ operations
    def rtnl(self, msg_type, flags, ifi, attrs, what):
        try:
            r = self.rt.request(msg_type, flags, ifi, attrs)
        except socket.timeout:
            self.problem('%s: no answer' % what)
            return None
        self.counts[what] = self.counts.get(what, 0) + 1
        self.errnos.setdefault(what, {})
        self.errnos[what][r.errno] = self.errnos[what].get(r.errno, 0) + 1
        return r

    def op_newlink(self):
        kind = self.rng.choice(KINDS)
        li = [nl.string(nl.IFLA_INFO_KIND, kind)]
        data = self.info_data()
        if data or self.rng.random() < 0.5:
            li.append(nl.A(nl.IFLA_INFO_DATA, data))
        attrs = self.link_attrs() + [nl.A(nl.IFLA['LINKINFO'], li)]
        before = set(self.own_links().values())
        flags = nl.NLM_F_REQUEST | nl.NLM_F_ACK | nl.NLM_F_CREATE | \
            self.rng.choice((nl.NLM_F_EXCL, nl.NLM_F_EXCL, 0))
        r = self.rtnl(nl.RTM_NEWLINK, flags, nl.IfInfo(), attrs, 'newlink')
        if r is None:
            return
        if r.errno:
            left = set(self.own_links().values()) - before
            if left:
                self.problem('refused newlink (%s) left %s behind' % (r.ename, sorted(left)))
                for n in left:
                    self.rt.dellink(n)
            if r.errno in (errno.EINVAL, errno.ERANGE) and r.attr_path and \
                    r.attr_path.startswith('LINKINFO/INFO_DATA') and not r.msg:
                self.problem('newlink refused %s at %s without a message' % (r.ename, r.attr_path))

    def op_changelink(self):
        own = self.own_links()
        if not own:
            return self.op_newlink()
        idx = self.rng.choice(list(own))
        li = [nl.string(nl.IFLA_INFO_KIND, 'netkit2'), nl.A(nl.IFLA_INFO_DATA, self.info_data())]
        self.rtnl(nl.RTM_NEWLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK, nl.IfInfo(index=idx),
                  [nl.A(nl.IFLA['LINKINFO'], li)], 'changelink')

    def op_setlink(self):
        own = self.own_links()
        if not own:
            return
        idx = self.rng.choice(list(own))
        r = self.rng.random()
        if r < 0.5:
            flags = self.rng.choice((0, nl.IFF_UP))
            self.rtnl(nl.RTM_NEWLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK,
                      nl.IfInfo(index=idx, flags=flags, change=nl.IFF_UP), [], 'updown')
        elif r < 0.8:
            self.rtnl(nl.RTM_NEWLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK, nl.IfInfo(index=idx),
                      [nl.u32(nl.IFLA['NET_NS_FD'], self.nsfd)], 'netns move')
        else:
            self.rtnl(nl.RTM_NEWLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK, nl.IfInfo(index=idx),
                      self.link_attrs(), 'setlink')

    def op_dellink(self):
        self.rtnl(nl.RTM_DELLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK,
                  nl.IfInfo(index=self.ifindex()), [], 'dellink')

    def op_getlink(self):
        self.rtnl(nl.RTM_GETLINK, nl.NLM_F_REQUEST | nl.NLM_F_ACK,
                  nl.IfInfo(index=self.ifindex()), [], 'getlink')

    def op_netns(self):
        """The namespace peers were moved into goes, and comes back."""
        os.close(self.nsfd)
        self.fds.remove(self.nsfd)
        os.system('ip netns del %s; ip netns add %s' % (self.netns, self.netns))
        self.nsfd = nl.netns_fd(self.netns)
        self.fds.append(self.nsfd)
        self.counts['netns'] = self.counts.get('netns', 0) + 1

    def op_genl(self):
        r = self.rng.random()
        cmd = self.rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4, 0, 5, 200)) if r < 0.97 \
            else self.rng.randrange(256)
        fds = [f for f in self.fds if f != self.nsfd]
        pick_fd = lambda: self.rng.choice(fds + [-1, 0, 9999])          # noqa: E731
        pick_id = lambda: self.rng.choice(self.prog_ids + [0, 1, self.u32()])  # noqa: E731
        makers = {
            genl.NK2_A_IFINDEX: lambda: nl.u32(genl.NK2_A_IFINDEX, self.ifindex()),
            genl.NK2_A_TARGET: lambda: nl.u32(genl.NK2_A_TARGET, self.rng.choice((0, 1, 2, self.u32()))),
            genl.NK2_A_PROG_FD: lambda: nl.s32(genl.NK2_A_PROG_FD, pick_fd()),
            genl.NK2_A_PROG_ID: lambda: nl.u32(genl.NK2_A_PROG_ID, pick_id()),
            5: lambda: nl.s32(5, pick_fd()),        # RELATIVE_FD
            6: lambda: nl.u32(6, pick_id()),        # RELATIVE_ID
            7: lambda: nl.s32(7, pick_fd()),        # REPLACE_FD
            genl.NK2_A_REPLACE_ID: lambda: nl.u32(genl.NK2_A_REPLACE_ID, pick_id()),
            genl.NK2_A_FLAGS: lambda: nl.u32(genl.NK2_A_FLAGS, self.rng.choice(
                (0, genl.NK2_F_BEFORE, genl.NK2_F_AFTER, genl.NK2_F_REPLACE,
                 genl.NK2_F_BEFORE | genl.NK2_F_AFTER, 1, 2, self.u32())))
            ,
            10: lambda: nl.raw(10, struct.pack('=Q', self.rng.choice((0, 1, 2, 3, 2**64 - 1, self.rng.getrandbits(64))))),
            genl.NK2_A_OWNED: lambda: nl.raw(genl.NK2_A_OWNED, b''),
            12: lambda: nl.raw(12, self.blob(8)),   # REVISION (reply only)
            13: lambda: nl.raw(13, self.blob()),    # PROG_IDS (reply only)
            14: lambda: nl.raw(14, self.blob()),    # PROG_OWNERS (reply only)
            15: lambda: nl.raw(15, self.blob()),    # PAD
        }
        attrs = []
        if self.rng.random() < 0.9:
            attrs.append(makers[genl.NK2_A_IFINDEX]())
        if self.rng.random() < 0.8:
            attrs.append(makers[genl.NK2_A_TARGET]())
        if cmd == 1 and self.rng.random() < 0.8:
            attrs.append(makers[genl.NK2_A_PROG_FD]())
        for _ in range(self.rng.randrange(0, 4)):
            t = self.rng.choice(list(makers) + [0, 16, 99])
            attrs.append(makers[t]() if t in makers else nl.raw(t, self.blob()))
        attrs = [self.mangle(a) for a in attrs]
        what = 'genl cmd %d' % cmd if cmd in (0, 1, 2, 3, 4) else 'genl cmd other'
        try:
            res = self.gn.do(self.gn.fid, cmd, attrs)
        except socket.timeout:
            self.problem('%s: no answer' % what)
            return
        self.counts[what] = self.counts.get(what, 0) + 1
        self.errnos.setdefault(what, {})
        self.errnos[what][res.errno] = self.errnos[what].get(res.errno, 0) + 1

    def step(self):
        r = self.rng.random()
        if r < 0.30:
            self.op_newlink()
        elif r < 0.42:
            self.op_changelink()
        elif r < 0.50:
            self.op_setlink()
        elif r < 0.56:
            self.op_dellink()
        elif r < 0.60:
            self.op_getlink()
        elif r < 0.605:
            self.op_netns()
        else:
            self.op_genl()

    def run(self, seconds, max_steps=None):
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end and (max_steps is None or n < max_steps):
            self.step()
            n += 1
            # keep the device count bounded
            if len(self.own_links()) > 16:
                for idx in list(self.own_links())[:8]:
                    self.rt.dellink(index=idx)
        self.steps = n
        return n

    def problem(self, s):
        if len(self.problems) < 50:
            self.problems.append('seed %d: %s' % (self.seed, s))

    def finish(self, timeout=10):
        """Delete everything made; check that nothing is left."""
        for idx, name in self.own_links().items():
            r = self.rt.dellink(index=idx)
            if r.errno and r.errno != errno.ENODEV:
                self.problem('cannot delete %s: %s' % (name, r.ename))
        os.system('ip netns del %s 2>/dev/null' % self.netns)
        end = time.monotonic() + timeout
        while self.own_links() and time.monotonic() < end:
            time.sleep(0.1)
        if self.own_links():
            self.problem('devices left: %s' % sorted(self.own_links().values()))
        self.gn.close()
        self.rt.close()
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = []
        while any(bpfsys.prog_exists(p) for p in self.prog_ids) and time.monotonic() < end + 5:
            time.sleep(0.1)
        left = [p for p in self.prog_ids if bpfsys.prog_exists(p)]
        if left:
            self.problem('programs not freed: %s' % left)
        return self.problems

    def summary(self):
        parts = []
        for what in sorted(self.counts):
            errs = self.errnos.get(what, {})
            e = ' '.join('%s:%d' % (errno.errorcode.get(k, k) if k else 'ok', v)
                         for k, v in sorted(errs.items()))
            parts.append('%s %d (%s)' % (what, self.counts[what], e))
        return '; '.join(parts)
