# SPDX-License-Identifier: GPL-2.0
"""Named network namespaces, sysctls, sockets and ICMP echo in-process.

Under TCG every process the suite starts costs a third of a second or
more (`ip netns add` and `ip netns exec` more than half of one), so what
the tests do in every namespace is done here without a process: a named
namespace is the same bind mount under /run/netns that `ip netns add`
makes, so ip, tc and the tools see it as their own.
"""

import ctypes
import os
import select
import socket
import struct
import subprocess
import threading
import time

import nl

RUN = '/run/netns'
CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MNT_DETACH = 0x2

_libc = ctypes.CDLL(None, use_errno=True)
_ready = False


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % (what, os.strerror(e)))


def _mounted(where):
    # os.path.ismount() misses a directory bind-mounted on itself
    with open('/proc/self/mountinfo') as f:
        return any(l.split()[4] == where for l in f)


def _setup():
    """/run/netns a shared mount as ip makes it: let ip do it once."""
    global _ready
    if not _ready and not _mounted(RUN):
        for cmd in ('add', 'del'):
            subprocess.run(['ip', 'netns', cmd, 'nkt-setup'], capture_output=True)
    _ready = _mounted(RUN)
    return _ready


def path(name):
    return name if name.startswith('/') else os.path.join(RUN, name)


def add(name):
    """Create the named namespace NAME (an existing one is replaced)."""
    delete(name)
    if not _setup():
        subprocess.run(['ip', 'netns', 'add', name], capture_output=True, check=True)
    else:
        _make(name)
    with nl.NL(name) as n:
        n.up('lo')


def _make(name):
    p = path(name)
    os.close(os.open(p, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
    err = []

    # unshare(CLONE_NEWNET) moves the calling thread only: do it in a
    # thread of its own that ends right after the bind mount
    def make():
        try:
            _check(_libc.unshare(CLONE_NEWNET), 'unshare')
            src = '/proc/self/task/%d/ns/net' % threading.get_native_id()
            _check(_libc.mount(src.encode(), p.encode(), b'none', MS_BIND, None),
                   'mount ' + p)
        except OSError as e:
            err.append(e)
    th = threading.Thread(target=make)
    th.start()
    th.join()
    if err:
        os.unlink(p)
        raise err[0]


def delete(name):
    """Remove the named namespace NAME as `ip netns del` does."""
    p = path(name)
    _libc.umount2(p.encode(), MNT_DETACH)
    try:
        os.unlink(p)
    except FileNotFoundError:
        pass


def sock(name, family, type_, proto=0):
    """A socket of netns NAME: it stays in it wherever it is used."""
    with nl.in_netns(name):
        return socket.socket(family, type_, proto)


def sysctl(name, key, value):
    """sysctl -w KEY=VALUE in netns NAME (net.* keys are per netns)."""
    with nl.in_netns(name):
        with open('/proc/sys/' + key.replace('.', '/'), 'w') as f:
            f.write(str(value))


def sysctl_get(name, key):
    with nl.in_netns(name):
        with open('/proc/sys/' + key.replace('.', '/')) as f:
            return f.read().strip()


# ---------------------------------------------------------------- ICMP echo
def _csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


IP_MTU_DISCOVER = 10
IP_PMTUDISC_DO = 2


def echo(ns, dst, count=3, interval=0.2, wait=2.0, size=56, dont_frag=False, dev=None):
    """Send COUNT ICMP echo requests from netns NS to DST, one every
    INTERVAL s, as ping does; wait up to WAIT s after the last one for
    the replies still missing.  Returns the number of replies."""
    v6 = ':' in dst
    if v6:
        s = sock(ns, socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    else:
        s = sock(ns, socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    try:
        if dev:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
        if dont_frag and not v6:
            s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
        ident = int.from_bytes(os.urandom(2), 'little')
        payload = bytes(i & 0xff for i in range(size))
        got = set()
        sent = 0
        nxt = time.time()
        end = None
        while True:
            now = time.time()
            if sent < count and now >= nxt:
                typ = 128 if v6 else 8
                hdr = struct.pack('!BBHHH', typ, 0, 0, ident, sent)
                if not v6:
                    hdr = struct.pack('!BBHHH', typ, 0, _csum(hdr + payload), ident, sent)
                try:
                    s.sendto(hdr + payload, (dst, 0))
                except OSError:
                    pass
                sent += 1
                nxt = now + interval
                if sent == count:
                    end = now + wait
            if len(got) == count:
                break
            if end is not None and now >= end:
                break
            until = nxt if sent < count else end
            r = select.select([s], [], [], max(0.0, until - time.time()))[0]
            if not r:
                continue
            data, addr = s.recvfrom(65535)
            if not v6:
                data = data[(data[0] & 0xf) * 4:]
            if len(data) < 8:
                continue
            typ, _, _, rid, seq = struct.unpack('!BBHHH', data[:8])
            if typ == (129 if v6 else 0) and rid == ident and seq < count:
                got.add(seq)
        return len(got)
    finally:
        s.close()


# ---------------------------------------------------------------- TCP echo
def tcp_echo(srv_ns, cli_ns, dst, port, size=300000, timeout=20):
    """Whether SIZE random bytes sent over TCP from netns CLI_NS to DST:PORT
    (a listener in netns SRV_NS that echoes) come back intact."""
    fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
    ls = sock(srv_ns, fam, socket.SOCK_STREAM)
    cs = sock(cli_ns, fam, socket.SOCK_STREAM)
    payload = os.urandom(size)
    back = bytearray()
    errs = []

    def serve():
        try:
            c, _ = ls.accept()
            with c:
                c.settimeout(timeout)
                while True:
                    d = c.recv(65536)
                    if not d:
                        break
                    c.sendall(d)
        except OSError as e:
            errs.append(e)

    def send():
        try:
            cs.sendall(payload)
            cs.shutdown(socket.SHUT_WR)
        except OSError as e:
            errs.append(e)

    threads = []
    try:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', port))
        ls.listen(1)
        ls.settimeout(timeout)
        threads.append(threading.Thread(target=serve, daemon=True))
        threads[-1].start()
        cs.settimeout(timeout)
        cs.connect((dst, port))
        threads.append(threading.Thread(target=send, daemon=True))
        threads[-1].start()
        while True:
            d = cs.recv(65536)
            if not d:
                break
            back += d
    except OSError as e:
        errs.append(e)
    finally:
        cs.close()
        ls.close()
        for th in threads:
            th.join(timeout)
    return not errs and bytes(back) == payload
