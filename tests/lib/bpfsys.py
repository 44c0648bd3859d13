# SPDX-License-Identifier: GPL-2.0
"""The bpf() system call from Python (ctypes): load a one-line sched_cls
program, and attach/detach/query on the kernel's own netkit (the
BPF_NETKIT_* attach types of the multi-program API) for comparisons."""

import ctypes
import os
import struct

NR_BPF = 321  # x86_64
PROG_LOAD, PROG_ATTACH, PROG_DETACH, PROG_QUERY = 5, 8, 9, 16
PROG_GET_FD_BY_ID, OBJ_GET_INFO_BY_FD = 13, 15
SCHED_CLS, XDP = 3, 6
NETKIT_PRIMARY, NETKIT_PEER = 54, 55
F_REPLACE, F_BEFORE, F_AFTER = 1 << 2, 1 << 3, 1 << 4
ATTR_SIZE = 144

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _bpf(cmd, attr):
    buf = ctypes.create_string_buffer(bytes(attr).ljust(ATTR_SIZE, b'\0'), ATTR_SIZE)
    r = _libc.syscall(ctypes.c_long(NR_BPF), ctypes.c_long(cmd), buf, ctypes.c_uint(ATTR_SIZE))
    if r < 0:
        return -ctypes.get_errno(), buf.raw
    return r, buf.raw


def load(verdict=-1, name=b'nk2t', prog_type=SCHED_CLS):
    """fd of a PROG_TYPE (sched_cls) program returning VERDICT (-1: next),
    inheritable."""
    # r0 = verdict; exit
    insns = struct.pack('<BBhi', 0xb7, 0, 0, verdict) + struct.pack('<BBhi', 0x95, 0, 0, 0)
    ibuf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b'GPL')
    attr = struct.pack('<IIQQIIQII16s', prog_type, 2, ctypes.addressof(ibuf),
                       ctypes.addressof(lic), 0, 0, 0, 0, 0, name)
    fd, _ = _bpf(PROG_LOAD, attr)
    if fd < 0:
        raise OSError(-fd, 'BPF_PROG_LOAD: %s' % os.strerror(-fd))
    os.set_inheritable(fd, True)
    return fd


def _info(fd):
    info = ctypes.create_string_buffer(256)
    attr = struct.pack('<IIQ', fd, 256, ctypes.addressof(info))
    r, _ = _bpf(OBJ_GET_INFO_BY_FD, attr)
    if r < 0:
        raise OSError(-r, 'BPF_OBJ_GET_INFO_BY_FD')
    return info.raw


def prog_id(fd):
    return struct.unpack_from('<I', _info(fd), 4)[0]


def prog_name(pid):
    """The name of program PID (struct bpf_prog_info's name), or None."""
    fd, _ = _bpf(PROG_GET_FD_BY_ID, struct.pack('<I', pid))
    if fd < 0:
        return None
    try:
        return _info(fd)[64:80].split(b'\0')[0].decode()
    finally:
        os.close(fd)


def prog_exists(pid):
    """Whether program PID is still loaded (in process: no tool spawned,
    which takes a good part of a second under TCG)."""
    fd, _ = _bpf(PROG_GET_FD_BY_ID, struct.pack('<I', pid))
    if fd < 0:
        return False
    os.close(fd)
    return True


def attach(ifindex, fd, which=NETKIT_PRIMARY, flags=0, relative=0, revision=0):
    """0 or -errno."""
    attr = struct.pack('<IIIIIIQ', ifindex, fd, which, flags, 0, relative, revision)
    return _bpf(PROG_ATTACH, attr)[0]


def detach(ifindex, fd=0, which=NETKIT_PRIMARY, flags=0, relative=0, revision=0):
    attr = struct.pack('<IIIIIIQ', ifindex, fd, which, flags, 0, relative, revision)
    return _bpf(PROG_DETACH, attr)[0]


def query(ifindex, which=NETKIT_PRIMARY):
    """(ids, revision) or raises OSError."""
    ids = (ctypes.c_uint32 * 64)()
    attr = struct.pack('<IIIIQIIQQQQ', ifindex, which, 0, 0, ctypes.addressof(ids),
                       64, 0, 0, 0, 0, 0)
    r, out = _bpf(PROG_QUERY, attr)
    if r < 0:
        raise OSError(-r, 'BPF_PROG_QUERY')
    count = struct.unpack_from('<I', out, 24)[0]
    revision = struct.unpack_from('<Q', out, 56)[0]
    return list(ids[:count]), revision
