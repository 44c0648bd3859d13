# SPDX-License-Identifier: GPL-2.0
"""Zero-copy receive set-ups from user space (stdlib and ctypes only):
AF_XDP sockets bound to a device queue, dma-bufs made by udmabuf from a
sealed memfd (for the netdev family's bind-rx), and io_uring zero-copy
receive registrations."""

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


# io_uring zero-copy receive (include/uapi/linux/io_uring.h, io_uring/zcrx.h)
NR_IO_URING_SETUP = 425
NR_IO_URING_REGISTER = 427
IORING_SETUP_CQE32 = 1 << 11
IORING_SETUP_SINGLE_ISSUER = 1 << 12
IORING_SETUP_DEFER_TASKRUN = 1 << 13
IORING_REGISTER_ZCRX_IFQ = 32
ZCRX_AREA = 16 * 4096
ZCRX_REGION = 16 * 4096


def io_uring_ring():
    """An io_uring fd set up as zero-copy receive needs it (single issuer,
    deferred task work, 32-byte CQEs); raises OSError where io_uring is
    unavailable."""
    params = ctypes.create_string_buffer(120)      # struct io_uring_params
    struct.pack_into('=III', params, 0, 0, 0, IORING_SETUP_CQE32 |
                     IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
    ctypes.set_errno(0)
    fd = _libc.syscall(NR_IO_URING_SETUP, 8, params)
    if fd < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return fd


def zcrx_register(ring, ifindex, queue):
    """IORING_REGISTER_ZCRX_IFQ of IFINDEX's rx queue QUEUE with a user
    memory area: the errno name, 'OK' if registered (the registration
    lasts as long as RING)."""
    area_mem = mmap.mmap(-1, ZCRX_AREA, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    area_addr = ctypes.addressof(ctypes.c_char.from_buffer(area_mem))
    # struct io_uring_zcrx_area_reg: addr, len, rq_area_token, flags,
    # dmabuf_fd, __resv2[2]
    area = ctypes.create_string_buffer(struct.pack('=QQQII16x', area_addr, ZCRX_AREA,
                                                   0, 0, 0), 48)
    # struct io_uring_region_desc: user_addr, size, flags, id, mmap_offset,
    # __resv[4] (the kernel allocates the refill ring)
    region = ctypes.create_string_buffer(struct.pack('=QQIIQ32x', 0, ZCRX_REGION,
                                                     0, 0, 0), 64)
    # struct io_uring_zcrx_ifq_reg: if_idx, if_rxq, rq_entries, flags,
    # area_ptr, region_ptr, offsets (32), zcrx_id, rx_buf_len, event_desc,
    # __resv[2]
    reg = ctypes.create_string_buffer(struct.pack('=IIIIQQ32xIIQ16x', ifindex, queue, 64, 0,
                                                  ctypes.addressof(area),
                                                  ctypes.addressof(region), 0, 0, 0), 96)
    ctypes.set_errno(0)
    rc = _libc.syscall(NR_IO_URING_REGISTER, ring, IORING_REGISTER_ZCRX_IFQ,
                       reg, 1)
    e = ctypes.get_errno() if rc < 0 else 0
    # The kernel pinned the area's pages if it took it; ours can go.
    try:
        area_mem.close()
    except BufferError:
        pass
    return ename(e)


def zcrx_missing():
    """Why io_uring zero-copy rx cannot be tried here, or None: a kernel
    that has it looks for the device (ENODEV for none), one without it
    refuses the register opcode (EINVAL)."""
    try:
        ring = io_uring_ring()
    except OSError as e:
        return 'no io_uring with zero-copy rx set-up: %s' % e
    try:
        e = zcrx_register(ring, 0x7ffffff0, 0)
    finally:
        os.close(ring)
    if e != 'ENODEV':
        return 'kernel has no io_uring zero-copy rx (registration: %s)' % e
    return None
