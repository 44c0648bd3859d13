#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Minimal rtnetlink client for the netkit2 test suite (stdlib only).

Sends RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK / RTM_GETLINK with arbitrary
IFLA_* attributes, nested IFLA_LINKINFO / IFLA_INFO_KIND / IFLA_INFO_DATA,
and reports (errno, extack message, attribute the extack offset points at).
GETLINK replies are decoded into plain dicts, IFLA_INFO_DATA of netkit and
netkit2 included.

Module use:
    from nl import NL, Data
    with NL() as nl:
        r = nl.newlink('netkit2', name='nk0', data=Data(mode=0),
                       peer={'name': 'nk1'})
        r.errno, r.msg, r.attr
        nl.getlink('nk0')['info_data']

CLI use (prints JSON):
    nl.py [--netns NS] newlink --kind netkit2 --name nk0 --mode 0 \
          --peer-name nk1
    nl.py getlink nk0
    nl.py changelink --kind netkit2 --name nk0 --policy 2
    nl.py dellink nk0
"""

import contextlib
import ctypes
import errno as _errno
import json
import os
import socket
import struct
import sys

# netlink
NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200

NLMSG_NOOP = 1
NLMSG_ERROR = 2
NLMSG_DONE = 3

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_COOKIE = 3
NLMSGERR_ATTR_POLICY = 4
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6

NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff

RTM_NEWLINK = 16
RTM_DELLINK = 17
RTM_GETLINK = 18
RTM_SETLINK = 19
RTM_NEWADDR = 20
IFA_LOCAL, IFA_ADDRESS = 2, 1
IFA_F_NODAD = 0x02

# IFLA_*
IFLA = {
    'ADDRESS': 1, 'BROADCAST': 2, 'IFNAME': 3, 'MTU': 4, 'LINK': 5,
    'QDISC': 6, 'STATS': 7, 'MASTER': 10, 'TXQLEN': 13, 'OPERSTATE': 16,
    'LINKMODE': 17, 'LINKINFO': 18, 'NET_NS_PID': 19, 'IFALIAS': 20,
    'STATS64': 23, 'GROUP': 27, 'NET_NS_FD': 28, 'EXT_MASK': 29,
    'PROMISCUITY': 30, 'NUM_TX_QUEUES': 31, 'NUM_RX_QUEUES': 32,
    'CARRIER': 33, 'CARRIER_CHANGES': 35, 'LINK_NETNSID': 37,
    'GSO_MAX_SEGS': 40, 'GSO_MAX_SIZE': 41, 'XDP': 43, 'TARGET_NETNSID': 46,
    'MIN_MTU': 50, 'MAX_MTU': 51, 'PERM_ADDRESS': 54,
}
IFLA_BY_NUM = {v: k for k, v in IFLA.items()}
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2

# IFLA_NETKIT_* == IFLA_NETKIT2_*
NK = {
    'PEER_INFO': 1, 'PRIMARY': 2, 'POLICY': 3, 'PEER_POLICY': 4, 'MODE': 5,
    'SCRUB': 6, 'PEER_SCRUB': 7, 'HEADROOM': 8, 'TAILROOM': 9, 'PAIRING': 10,
}
NK_BY_NUM = {v: k for k, v in NK.items()}
NK_FMT = {'PRIMARY': 'B', 'POLICY': 'I', 'PEER_POLICY': 'I', 'MODE': 'I',
          'SCRUB': 'I', 'PEER_SCRUB': 'I', 'HEADROOM': 'H', 'TAILROOM': 'H',
          'PAIRING': 'I'}

L2, L3 = 0, 1
PASS, DROP, REDIRECT, NEXT = 0, 2, 7, 0xffffffff
SCRUB_NONE, SCRUB_DEFAULT = 0, 1
PAIR, SINGLE = 0, 1

IFF_UP = 0x1
IFF_NOARP = 0x80
IFF_LOWER_UP = 0x10000

IFINFOMSG = struct.Struct('=BxHiII')


def _align(n):
    return (n + 3) & ~3


# ---------------------------------------------------------------- encoding
class A:
    """An attribute: type and payload (bytes) or list of children."""

    def __init__(self, type_, payload, nested=False):
        self.type = type_
        self.payload = payload
        self.nested = nested or isinstance(payload, (list, tuple))

    def encode(self, base, out, path, where):
        """Append to out; record (offset -> path) of every header."""
        start = base + len(out)
        name = path + [self.type]
        where[start] = name
        if isinstance(self.payload, (list, tuple)):
            body = bytearray()
            hdr_len = 4
            for child in self.payload:
                child.encode(start + hdr_len, body, name, where)
            data = bytes(body)
        elif isinstance(self.payload, IfInfo):
            head = self.payload.pack()
            body = bytearray()
            for child in self.payload.attrs:
                child.encode(start + 4 + len(head), body, name, where)
            data = head + bytes(body)
        else:
            data = bytes(self.payload)
        t = self.type | (NLA_F_NESTED if isinstance(self.payload, (list, tuple)) and self.nested_flag() else 0)
        out += struct.pack('=HH', 4 + len(data), t) + data
        out += b'\0' * (_align(len(out)) - len(out))

    def nested_flag(self):
        # iproute2 does not set NLA_F_NESTED on IFLA_LINKINFO / INFO_DATA;
        # keep the same wire format.
        return False


class IfInfo:
    def __init__(self, family=0, type_=0, index=0, flags=0, change=0, attrs=()):
        self.family, self.type, self.index = family, type_, index
        self.flags, self.change = flags, change
        self.attrs = list(attrs)

    def pack(self):
        return IFINFOMSG.pack(self.family, self.type, self.index,
                              self.flags & 0xffffffff, self.change & 0xffffffff)


class IfAddr:
    def __init__(self, family, prefixlen, flags, index):
        self.v = (family, prefixlen, flags, 0, index)

    def pack(self):
        return struct.pack('=BBBBI', *self.v)


def u8(t, v): return A(t, struct.pack('=B', v))
def u16(t, v): return A(t, struct.pack('=H', v))
def u32(t, v): return A(t, struct.pack('=I', v & 0xffffffff))
def s32(t, v): return A(t, struct.pack('=i', v))
def string(t, v): return A(t, v.encode() + b'\0')
def raw(t, v): return A(t, bytes(v))
def nest(t, children): return A(t, list(children))


def mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def Data(mode=None, policy=None, peer_policy=None, scrub=None,
         peer_scrub=None, headroom=None, tailroom=None, pairing=None,
         primary=None, peer=None, extra=()):
    """IFLA_INFO_DATA children for netkit / netkit2."""
    d = []
    if peer is not None:
        d.append(A(NK['PEER_INFO'], peer if isinstance(peer, IfInfo) else peer_info(**peer)))
    for key, val in (('PRIMARY', primary), ('POLICY', policy),
                     ('PEER_POLICY', peer_policy), ('MODE', mode),
                     ('SCRUB', scrub), ('PEER_SCRUB', peer_scrub),
                     ('HEADROOM', headroom), ('TAILROOM', tailroom),
                     ('PAIRING', pairing)):
        if val is None:
            continue
        fmt = NK_FMT[key]
        d.append(A(NK[key], struct.pack('=' + fmt, val & {'B': 0xff, 'H': 0xffff, 'I': 0xffffffff}[fmt])))
    d.extend(extra)
    return d


def link_attrs(name=None, address=None, numrx=None, numtx=None,
               netns_fd=None, netns_pid=None, mtu=None, extra=()):
    a = []
    if name is not None:
        a.append(string(IFLA['IFNAME'], name))
    if address is not None:
        a.append(raw(IFLA['ADDRESS'], mac(address) if isinstance(address, str) else address))
    if mtu is not None:
        a.append(u32(IFLA['MTU'], mtu))
    if numtx is not None:
        a.append(u32(IFLA['NUM_TX_QUEUES'], numtx))
    if numrx is not None:
        a.append(u32(IFLA['NUM_RX_QUEUES'], numrx))
    if netns_fd is not None:
        a.append(u32(IFLA['NET_NS_FD'], netns_fd))
    if netns_pid is not None:
        a.append(u32(IFLA['NET_NS_PID'], netns_pid))
    a.extend(extra)
    return a


def peer_info(name=None, address=None, numrx=None, numtx=None, netns_fd=None,
              netns_pid=None, mtu=None, index=0, flags=0, change=0, extra=()):
    return IfInfo(index=index, flags=flags, change=change,
                  attrs=link_attrs(name, address, numrx, numtx, netns_fd,
                                   netns_pid, mtu, extra))


# ---------------------------------------------------------------- decoding
def parse_attrs(buf):
    out = []
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('=HH', buf, off)
        if ln < 4:
            break
        out.append((t & NLA_TYPE_MASK, buf[off + 4:off + ln]))
        off += _align(ln)
    return out


def _fmt_mac(b):
    return ':'.join('%02x' % x for x in b)


def decode_info_data(buf):
    d = {}
    order = []
    for t, v in parse_attrs(buf):
        name = NK_BY_NUM.get(t, str(t))
        order.append(t)
        fmt = NK_FMT.get(name)
        if fmt and len(v) >= struct.calcsize('=' + fmt):
            d[name] = struct.unpack_from('=' + fmt, v)[0]
        else:
            d[name] = v.hex()
    d['_order'] = order
    return d


STATS64 = ('rx_packets', 'tx_packets', 'rx_bytes', 'tx_bytes', 'rx_errors',
           'tx_errors', 'rx_dropped', 'tx_dropped', 'multicast', 'collisions')


def decode_link(msg):
    fam, typ, idx, flags, change = IFINFOMSG.unpack_from(msg, 0)
    link = {'index': idx, 'type': typ, 'flags': flags}
    for t, v in parse_attrs(msg[IFINFOMSG.size:]):
        name = IFLA_BY_NUM.get(t)
        if name is None:
            continue
        key = name.lower()
        if name in ('IFNAME', 'QDISC', 'IFALIAS'):
            link[key] = v.rstrip(b'\0').decode(errors='replace')
        elif name in ('ADDRESS', 'BROADCAST', 'PERM_ADDRESS'):
            link[key] = _fmt_mac(v)
        elif name in ('OPERSTATE', 'LINKMODE', 'CARRIER'):
            link[key] = v[0]
        elif name == 'LINK_NETNSID':
            link[key] = struct.unpack('=i', v[:4])[0]
        elif name == 'STATS64':
            n = min(len(v) // 8, len(STATS64))
            link['stats64'] = dict(zip(STATS64, struct.unpack_from('=%dQ' % n, v)))
        elif name == 'LINKINFO':
            for it, iv in parse_attrs(v):
                if it == IFLA_INFO_KIND:
                    link['kind'] = iv.rstrip(b'\0').decode()
                elif it == IFLA_INFO_DATA:
                    link['info_data'] = decode_info_data(iv)
        elif len(v) == 4:
            link[key] = struct.unpack('=I', v)[0]
    return link


# ---------------------------------------------------------------- result
class Result:
    def __init__(self, errno=0, msg=None, attr=None, attr_path=None,
                 offset=None, replies=None):
        self.errno = errno
        self.msg = msg
        self.attr = attr            # attribute type at the extack offset
        self.attr_path = attr_path  # e.g. "LINKINFO/INFO_DATA/MODE"
        self.offset = offset
        self.replies = replies or []

    @property
    def ename(self):
        return _errno.errorcode.get(self.errno, str(self.errno)) if self.errno else 'OK'

    def as_dict(self):
        return {'errno': self.errno, 'ename': self.ename, 'msg': self.msg,
                'attr': self.attr, 'attr_path': self.attr_path,
                'offset': self.offset}

    def __repr__(self):
        return 'Result(%s, msg=%r, attr=%r)' % (self.ename, self.msg, self.attr_path)


def _path_name(path):
    names = []
    ctx = 'IFLA'
    for t in path:
        if ctx == 'IFLA':
            n = IFLA_BY_NUM.get(t, str(t))
            names.append(n)
            ctx = 'INFO' if n == 'LINKINFO' else None
        elif ctx == 'INFO':
            n = {1: 'INFO_KIND', 2: 'INFO_DATA'}.get(t, str(t))
            names.append(n)
            ctx = 'NK' if t == IFLA_INFO_DATA else None
        elif ctx == 'NK':
            n = NK_BY_NUM.get(t, str(t))
            names.append(n)
            ctx = 'IFLA' if n == 'PEER_INFO' else None
        else:
            names.append(str(t))
    return '/'.join(names)


# ---------------------------------------------------------------- netns
_libc = None


def _setns(fd, nstype=0):
    global _libc
    if hasattr(os, 'setns'):
        os.setns(fd, nstype)
        return
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if _libc.setns(fd, nstype) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def netns_fd(name):
    """Open /run/netns/NAME (O_RDONLY); caller closes."""
    return os.open(name if name.startswith('/') else '/run/netns/' + name, os.O_RDONLY)


@contextlib.contextmanager
def in_netns(name):
    """Run the block with the calling thread in netns NAME (None: stay);
    a socket made there stays in it wherever it is used."""
    if not name:
        yield
        return
    cur = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    tgt = netns_fd(name)
    try:
        _setns(tgt, 0)
        try:
            yield
        finally:
            _setns(cur, 0)
    finally:
        os.close(cur)
        os.close(tgt)


def socket_in_netns(name, proto=NETLINK_ROUTE):
    with in_netns(name):
        return socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)


# ---------------------------------------------------------------- client
class NL:
    def __init__(self, netns=None, strict=True):
        self.sock = socket_in_netns(netns)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        if strict:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = int.from_bytes(os.urandom(2), 'little') + 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def request(self, msg_type, flags, ifinfo, attrs=()):
        self.seq += 1
        seq = self.seq
        where = {}
        body = bytearray(ifinfo.pack())
        base = 16 + len(body)
        tail = bytearray()
        for a in attrs:
            a.encode(base, tail, [], where)
        body += tail
        msg = struct.pack('=IHHII', 16 + len(body), msg_type, flags, seq, 0) + bytes(body)
        self.sock.send(msg)
        return self._collect(seq, where)

    def _collect(self, seq, where):
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, rseq, pid = struct.unpack_from('=IHHII', data, off)
                if ln < 16:
                    return Result(_errno.EIO, 'short netlink message')
                payload = data[off + 16:off + ln]
                off += _align(ln)
                if rseq != seq:
                    continue
                if typ == NLMSG_ERROR:
                    err = -struct.unpack_from('=i', payload, 0)[0]
                    inner_len = struct.unpack_from('=I', payload, 4)[0]
                    tlv_off = 4 + (16 if flags & NLM_F_CAPPED else _align(inner_len))
                    r = Result(err, replies=replies)
                    if flags & NLM_F_ACK_TLVS:
                        for t, v in parse_attrs(payload[tlv_off:]):
                            if t == NLMSGERR_ATTR_MSG:
                                r.msg = v.rstrip(b'\0').decode(errors='replace')
                            elif t == NLMSGERR_ATTR_OFFS:
                                r.offset = struct.unpack('=I', v[:4])[0]
                                path = where.get(r.offset)
                                if path:
                                    r.attr = path[-1]
                                    r.attr_path = _path_name(path)
                    return r
                if typ == NLMSG_DONE:
                    return Result(0, replies=replies)
                replies.append((typ, payload))
                if not (flags & NLM_F_MULTI):
                    return Result(0, replies=replies)

    # -- link operations ---------------------------------------------------
    def _linkinfo(self, kind, data):
        li = []
        if kind is not None:
            li.append(string(IFLA_INFO_KIND, kind))
        if data is not None:
            li.append(nest(IFLA_INFO_DATA, data))
        return nest(IFLA['LINKINFO'], li)

    def newlink(self, kind, name=None, data=None, peer=None, address=None,
                numrx=None, numtx=None, netns_fd=None, mtu=None, extra=(),
                flags=NLM_F_CREATE | NLM_F_EXCL, ifinfo=None, **kw):
        """Create a link. kw go into IFLA_INFO_DATA (see Data())."""
        if data is None and (kw or peer is not None):
            data = Data(peer=peer, **kw)
        elif data is not None and peer is not None:
            data = Data(peer=peer) + list(data)
        attrs = link_attrs(name, address, numrx, numtx, netns_fd, None, mtu, extra)
        attrs.append(self._linkinfo(kind, data))
        return self.request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | flags,
                            ifinfo or IfInfo(), attrs)

    def changelink(self, kind, name=None, index=0, data=None, extra=(), **kw):
        """RTM_NEWLINK on an existing device (ops->changelink)."""
        if data is None:
            data = Data(**kw)
        attrs = []
        if name is not None:
            attrs.append(string(IFLA['IFNAME'], name))
        attrs.extend(extra)
        attrs.append(self._linkinfo(kind, data))
        return self.request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK,
                            IfInfo(index=index), attrs)

    def setlink(self, name=None, index=0, attrs=(), flags=0, change=0):
        a = [string(IFLA['IFNAME'], name)] if name else []
        a.extend(attrs)
        return self.request(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK,
                            IfInfo(index=index, flags=flags, change=change), a)

    def up(self, name):
        return self.setlink(name, flags=IFF_UP, change=IFF_UP)

    def down(self, name):
        return self.setlink(name, flags=0, change=IFF_UP)

    def dellink(self, name=None, index=0, group=None):
        """Delete NAME or INDEX, or with GROUP every device of that group
        in the socket's netns (one batch unregistration)."""
        a = [string(IFLA['IFNAME'], name)] if name else []
        if group is not None:
            a.append(u32(IFLA['GROUP'], group))
        return self.request(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK,
                            IfInfo(index=index), a)

    def to_netns(self, name, netns):
        """Move device NAME into the named netns NETNS."""
        fd = netns_fd(netns)
        try:
            return self.setlink(name, attrs=[u32(IFLA['NET_NS_FD'], fd)])
        finally:
            os.close(fd)

    def addr_add(self, name, cidr, nodad=False):
        """Add address CIDR (IPv4 or IPv6, without DAD if NODAD) to NAME."""
        link = self.getlink(name)
        if link is None:
            return Result(errno=_errno.ENODEV)
        addr, plen = cidr.split('/')
        fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
        raw_addr = socket.inet_pton(fam, addr)
        return self.request(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                            IfAddr(fam, int(plen), IFA_F_NODAD if nodad else 0,
                                   link['index']),
                            [raw(IFA_LOCAL, raw_addr), raw(IFA_ADDRESS, raw_addr)])

    def getlink(self, name=None, index=0):
        """Decoded link dict, or None if it does not exist."""
        a = [string(IFLA['IFNAME'], name)] if name else []
        r = self.request(RTM_GETLINK, NLM_F_REQUEST, IfInfo(index=index), a)
        for typ, payload in r.replies:
            if typ == RTM_NEWLINK:
                return decode_link(payload)
        return None

    def links(self):
        r = self.request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, IfInfo(), [])
        return [decode_link(p) for t, p in r.replies if t == RTM_NEWLINK]


# ---------------------------------------------------------------- CLI
def _int(s):
    return int(s, 0)


def _cli(argv):
    import argparse
    p = argparse.ArgumentParser(prog='nl.py', description=__doc__.split('\n')[0])
    p.add_argument('--netns', help='run in this named netns (/run/netns)')
    sub = p.add_subparsers(dest='cmd', required=True)

    def data_opts(sp):
        for o in ('mode', 'policy', 'peer-policy', 'scrub', 'peer-scrub',
                  'headroom', 'tailroom', 'pairing', 'primary'):
            sp.add_argument('--' + o, type=_int)
        sp.add_argument('--data-raw', action='append', default=[],
                        metavar='TYPE:HEX', help='extra IFLA_INFO_DATA attribute')
        sp.add_argument('--no-data', action='store_true',
                        help='omit IFLA_INFO_DATA entirely')

    n = sub.add_parser('newlink')
    n.add_argument('--kind', default='netkit2')
    n.add_argument('--name')
    n.add_argument('--address')
    n.add_argument('--numrx', type=_int)
    n.add_argument('--numtx', type=_int)
    n.add_argument('--mtu', type=_int)
    n.add_argument('--netns-fd', metavar='NETNS', help='IFLA_NET_NS_FD of this named netns')
    n.add_argument('--peer', action='store_true', help='send PEER_INFO even if empty')
    for o in ('name', 'address', 'netns-fd'):
        n.add_argument('--peer-' + o)
    for o in ('numrx', 'numtx', 'mtu'):
        n.add_argument('--peer-' + o, type=_int)
    data_opts(n)

    c = sub.add_parser('changelink')
    c.add_argument('--kind', default='netkit2')
    c.add_argument('--name', required=True)
    data_opts(c)

    g = sub.add_parser('getlink')
    g.add_argument('name', nargs='?')
    d = sub.add_parser('dellink')
    d.add_argument('name')
    args = p.parse_args(argv)

    fds = []

    def nsfd(name):
        fd = netns_fd(name)
        fds.append(fd)
        return fd

    def data_of(a):
        if a.no_data:
            return None
        kw = {k: getattr(a, k) for k in ('mode', 'policy', 'peer_policy', 'scrub',
                                         'peer_scrub', 'headroom', 'tailroom',
                                         'pairing', 'primary')}
        extra = []
        for spec in a.data_raw:
            t, _, h = spec.partition(':')
            extra.append(raw(_int(t), bytes.fromhex(h)))
        return Data(extra=extra, **kw)

    with NL(args.netns) as nl:
        if args.cmd == 'newlink':
            peer = None
            if args.peer or any(getattr(args, 'peer_' + k) is not None for k in
                                ('name', 'address', 'netns_fd', 'numrx', 'numtx', 'mtu')):
                peer = peer_info(name=args.peer_name, address=args.peer_address,
                                 numrx=args.peer_numrx, numtx=args.peer_numtx,
                                 mtu=args.peer_mtu,
                                 netns_fd=nsfd(args.peer_netns_fd) if args.peer_netns_fd else None)
            data = data_of(args)
            if peer is not None:
                data = [A(NK['PEER_INFO'], peer)] + (data or [])
            r = nl.newlink(args.kind, name=args.name, data=data, address=args.address,
                           numrx=args.numrx, numtx=args.numtx, mtu=args.mtu,
                           netns_fd=nsfd(args.netns_fd) if args.netns_fd else None)
            out = r.as_dict()
        elif args.cmd == 'changelink':
            r = nl.changelink(args.kind, name=args.name, data=data_of(args) or [])
            out = r.as_dict()
        elif args.cmd == 'getlink':
            out = nl.getlink(args.name) if args.name else nl.links()
            if out is None:
                print(json.dumps({'errno': _errno.ENODEV, 'ename': 'ENODEV'}))
                return 1
        else:
            r = nl.dellink(args.name)
            out = r.as_dict()
    for fd in fds:
        os.close(fd)
    print(json.dumps(out, sort_keys=True))
    return 1 if isinstance(out, dict) and out.get('errno') else 0


if __name__ == '__main__':
    sys.exit(_cli(sys.argv[1:]))
