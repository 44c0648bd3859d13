#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP over IPv6 with the largest extension headers a socket may set.

    exthdr.py recv ADDR PORT TIMEOUT   print the length of each datagram
                                       received, until TIMEOUT s of silence
    exthdr.py send ADDR PORT COUNT     send COUNT datagrams with a 2048-byte
                                       hop-by-hop and a 2048-byte destination
                                       options header (ancillary data: a
                                       sticky option takes at most 2040)

The options are of an unassigned type whose action is "skip" (0x1e), eight
of them per header: as many as a receiver accepts by default
(net.ipv6.max_{hbh,dst}_opts_number)."""

import socket
import sys

IPV6_HOPOPTS = 54
IPV6_DSTOPTS = 59
HDR_LEN = 2048
OPT_SKIP = 0x1e


def options_header():
    """An extension header of HDR_LEN bytes: next header and length, then
    options that fill it exactly."""
    body, left = bytearray(), HDR_LEN - 2
    while left:
        n = min(255, left - 2)
        body += bytes((OPT_SKIP, n)) + b'\0' * n
        left -= 2 + n
    return bytes((0, HDR_LEN // 8 - 1)) + bytes(body)


def main():
    cmd, addr, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    if cmd == 'recv':
        s.bind((addr, port))
        print('ready', flush=True)
        s.settimeout(float(n))
        try:
            while True:
                print(len(s.recv(65536)), flush=True)
        except socket.timeout:
            return
    hdr = options_header()
    anc = [(socket.IPPROTO_IPV6, IPV6_HOPOPTS, hdr),
           (socket.IPPROTO_IPV6, IPV6_DSTOPTS, hdr)]
    for i in range(int(n)):
        s.sendmsg([bytes([i & 0xff]) * 100], anc, 0, (addr, port))


if __name__ == '__main__':
    main()
