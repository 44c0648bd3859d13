# SPDX-License-Identifier: GPL-2.0
"""Zero-copy receive set-ups from user space (stdlib and ctypes only):
AF_XDP sockets bound to a device queue, and dma-bufs made by udmabuf from
a sealed memfd (for the netdev family's bind-rx)."""

import ctypes
import errno
import fcntl
import mmap
import os
import socket
import struct

AF_XDP = 44
SOL_XDP = 283
XDP_RX_RING = 2
XDP_UMEM_REG = 4
XDP_UMEM_FILL_RING = 5
XDP_UMEM_COMPLETION_RING = 6
XDP_COPY = 1 << 1
XDP_ZEROCOPY = 1 << 2

# struct udmabuf_create { u32 memfd; u32 flags; u64 offset; u64 size; }
UDMABUF_CREATE = (1 << 30) | (24 << 16) | (ord('u') << 8) | 0x42
MFD_ALLOW_SEALING = 2
F_ADD_SEALS = 1033
F_SEAL_SHRINK = 2

_libc = ctypes.CDLL(None, use_errno=True)

FRAME = 4096
NFRAMES = 16
RING = 64


def ename(e):
    """The kernel's name of errno E (Python calls 95 ENOTSUP)."""
    if e == 0:
        return 'OK'
    if e == errno.EOPNOTSUPP:
        return 'EOPNOTSUPP'
    return errno.errorcode.get(e, str(e))


class Xsk:
    """An AF_XDP socket with its own umem, rx, fill and completion rings."""

    def __init__(self):
        self.sock = socket.socket(AF_XDP, socket.SOCK_RAW, 0)
        self.umem = mmap.mmap(-1, FRAME * NFRAMES,
                              flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        addr = ctypes.addressof(ctypes.c_char.from_buffer(self.umem))
        # struct xdp_umem_reg: addr, len, chunk_size, headroom, flags,
        # tx_metadata_len
        reg = struct.pack('=QQIIII', addr, FRAME * NFRAMES, FRAME, 0, 0, 0)
        self.sock.setsockopt(SOL_XDP, XDP_UMEM_REG, reg)
        for opt in (XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING):
            self.sock.setsockopt(SOL_XDP, opt, struct.pack('=I', RING))

    def bind(self, ifindex, queue, flags):
        """bind(2) to IFINDEX's queue QUEUE; the errno name, 'OK' if bound."""
        # struct sockaddr_xdp: family, flags, ifindex, queue_id, shared_umem_fd
        sa = struct.pack('=HHIII', AF_XDP, flags, ifindex, queue, 0)
        buf = ctypes.create_string_buffer(sa, len(sa))
        ctypes.set_errno(0)
        rc = _libc.bind(self.sock.fileno(), buf, len(sa))
        return ename(ctypes.get_errno() if rc else 0)

    def close(self):
        self.sock.close()
        # The ctypes view into the umem pins its buffer until collected.
        try:
            self.umem.close()
        except BufferError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def xsk_bind(ifindex, queue, flags):
    """A fresh AF_XDP socket bound to IFINDEX/QUEUE: (errno name, Xsk or
    None). The caller closes a bound socket."""
    x = Xsk()
    e = x.bind(ifindex, queue, flags)
    if e != 'OK':
        x.close()
        return e, None
    return e, x


def udmabuf(size=1 << 20):
    """A dma-buf fd of SIZE bytes backed by a sealed memfd."""
    mfd = os.memfd_create('nk2-dmabuf', MFD_ALLOW_SEALING)
    try:
        os.ftruncate(mfd, size)
        fcntl.fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK)
        dev = os.open('/dev/udmabuf', os.O_RDWR)
        try:
            arg = bytearray(struct.pack('=IIQQ', mfd, 0, 0, size))
            return fcntl.ioctl(dev, UDMABUF_CREATE, arg)
        finally:
            os.close(dev)
    finally:
        os.close(mfd)
