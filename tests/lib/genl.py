# SPDX-License-Identifier: GPL-2.0
"""Minimal generic netlink client on top of nl.py (stdlib only): family
lookup through the controller, requests with arbitrary attributes, errno
and extack back as nl.Result. Enough for the netdev family's queue-create
and queue-get."""

import os
import socket
import struct

import nl

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1

# include/uapi/linux/netdev.h (7.x)
NETDEV_CMD_QUEUE_GET = 10
NETDEV_CMD_QUEUE_CREATE = 16
NETDEV_A_QUEUE_ID = 1
NETDEV_A_QUEUE_IFINDEX = 2
NETDEV_A_QUEUE_TYPE = 3
NETDEV_A_QUEUE_LEASE = 8
NETDEV_A_LEASE_IFINDEX = 1
NETDEV_A_LEASE_QUEUE = 2
NETDEV_A_LEASE_NETNS_ID = 3
QUEUE_TYPE_RX = 0
QUEUE_TYPE_TX = 1


class Nest(nl.A):
    """A nested attribute with NLA_F_NESTED, which genl policies require."""

    def __init__(self, type_, children):
        super().__init__(type_, list(children))

    def nested_flag(self):
        return True


class GenlHdr:
    """Stands in for nl.IfInfo: the fixed header after nlmsghdr."""

    def __init__(self, cmd, version=1):
        self.cmd = cmd
        self.version = version

    def pack(self):
        return struct.pack('=BBH', self.cmd, self.version, 0)


def _socket(netns):
    return nl.socket_in_netns(netns, NETLINK_GENERIC)


class Genl(nl.NL):
    def __init__(self, netns=None):
        self.sock = _socket(netns)
        self.sock.setsockopt(nl.SOL_NETLINK, nl.NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = int.from_bytes(os.urandom(2), 'little') + 1

    def family(self, name):
        """(family id, set of command ids) or None if the kernel has no NAME."""
        r = self.request(GENL_ID_CTRL, nl.NLM_F_REQUEST | nl.NLM_F_ACK,
                         GenlHdr(CTRL_CMD_GETFAMILY),
                         [nl.string(CTRL_ATTR_FAMILY_NAME, name)])
        if r.errno or not r.replies:
            return None
        fid, ops = None, set()
        for t, v in nl.parse_attrs(r.replies[0][1][4:]):
            if t == CTRL_ATTR_FAMILY_ID:
                fid = struct.unpack('=H', v[:2])[0]
            elif t == CTRL_ATTR_OPS:
                for _, op in nl.parse_attrs(v):
                    for ot, ov in nl.parse_attrs(op):
                        if ot == CTRL_ATTR_OP_ID:
                            ops.add(struct.unpack('=I', ov[:4])[0])
        return fid, ops

    def do(self, fid, cmd, attrs):
        return self.request(fid, nl.NLM_F_REQUEST | nl.NLM_F_ACK, GenlHdr(cmd), attrs)


def reply_attrs(r):
    """Top-level attributes of the first reply of R, as a dict."""
    if not r.replies:
        return {}
    return dict(nl.parse_attrs(r.replies[0][1][4:]))


def u32_of(v):
    return struct.unpack('=I', v[:4])[0]


def queue_create_attrs(ifindex, lease_ifindex, lease_queue,
                       qtype=QUEUE_TYPE_RX, lease_qtype=QUEUE_TYPE_RX, netns_id=None):
    lease = [nl.u32(NETDEV_A_LEASE_IFINDEX, lease_ifindex),
             Nest(NETDEV_A_LEASE_QUEUE,
                     [nl.u32(NETDEV_A_QUEUE_ID, lease_queue),
                      nl.u32(NETDEV_A_QUEUE_TYPE, lease_qtype)])]
    if netns_id is not None:
        lease.append(nl.s32(NETDEV_A_LEASE_NETNS_ID, netns_id))
    return [nl.u32(NETDEV_A_QUEUE_IFINDEX, ifindex),
            nl.u32(NETDEV_A_QUEUE_TYPE, qtype),
            Nest(NETDEV_A_QUEUE_LEASE, lease)]


def queue_lease(r):
    """The lease of a queue-get reply: dict(ifindex, queue, netns_id) or None."""
    a = reply_attrs(r)
    if NETDEV_A_QUEUE_LEASE not in a:
        return None
    out = {'netns_id': None}
    for t, v in nl.parse_attrs(a[NETDEV_A_QUEUE_LEASE]):
        if t == NETDEV_A_LEASE_IFINDEX:
            out['ifindex'] = u32_of(v)
        elif t == NETDEV_A_LEASE_NETNS_ID:
            out['netns_id'] = struct.unpack('=i', v[:4])[0]
        elif t == NETDEV_A_LEASE_QUEUE:
            q = dict(nl.parse_attrs(v))
            out['queue'] = u32_of(q[NETDEV_A_QUEUE_ID])
    return out


# ------------------------------------------------------------------ netkit2
NK2_CMD_ATTACH, NK2_CMD_DETACH, NK2_CMD_QUERY = 1, 2, 3
NK2_A_IFINDEX, NK2_A_TARGET, NK2_A_PROG_FD, NK2_A_PROG_ID = 1, 2, 3, 4
NK2_A_REPLACE_ID, NK2_A_FLAGS, NK2_A_OWNED, NK2_A_PROG_IDS = 8, 9, 11, 13
NK2_TARGETS = {'primary': 0, 'peer': 1}
NK2_F_REPLACE, NK2_F_BEFORE, NK2_F_AFTER = 1 << 2, 1 << 3, 1 << 4


class Netkit2(Genl):
    """netkit2's attach, detach and query in process, for tests that make
    many changes: each one through netkit2ctl is a process, and a process
    costs a good part of a second under TCG. Programs are fds (bpfsys)."""

    def __init__(self, netns=None):
        super().__init__(netns)
        fam = self.family('netkit2')
        if fam is None:
            self.close()
            raise OSError(2, 'no netkit2 generic netlink family')
        self.fid = fam[0]

    def _req(self, cmd, ifindex, side, attrs=()):
        a = [nl.u32(NK2_A_IFINDEX, ifindex), nl.u32(NK2_A_TARGET, NK2_TARGETS[side])]
        return self.do(self.fid, cmd, a + list(attrs))

    def attach(self, ifindex, side, fd, flags=0, replace_id=0, owned=False):
        """0 or errno; OWNED: detached when this socket closes."""
        a = [nl.s32(NK2_A_PROG_FD, fd), nl.u32(NK2_A_FLAGS, flags)]
        if replace_id:
            a.append(nl.u32(NK2_A_REPLACE_ID, replace_id))
        if owned:
            a.append(nl.raw(NK2_A_OWNED, b''))
        return self._req(NK2_CMD_ATTACH, ifindex, side, a).errno

    def detach(self, ifindex, side, fd=None, prog_id=0, flags=0):
        """0 or errno; FD or PROG_ID, or with neither FLAGS BEFORE (the
        first) or AFTER (the last)."""
        a = [nl.u32(NK2_A_FLAGS, flags)]
        if fd is not None:
            a.append(nl.s32(NK2_A_PROG_FD, fd))
        if prog_id:
            a.append(nl.u32(NK2_A_PROG_ID, prog_id))
        return self._req(NK2_CMD_DETACH, ifindex, side, a).errno

    def ids(self, ifindex, side):
        r = self._req(NK2_CMD_QUERY, ifindex, side)
        if r.errno:
            raise OSError(r.errno, 'netkit2 query')
        raw = reply_attrs(r).get(NK2_A_PROG_IDS, b'')
        return list(struct.unpack('=%dI' % (len(raw) // 4), raw[:len(raw) // 4 * 4]))
