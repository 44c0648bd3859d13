#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What a process may do with the netkit2 family and link kind, run as
the process to be checked (an unprivileged user, root of a user
namespace, ...) and printing one JSON object:

    privcheck.py query IFINDEX     errno of a QUERY of the primary IFINDEX
    privcheck.py attach IFINDEX    errno of an ATTACH to it (of fd 0: the
                                   permission is checked first)
    privcheck.py detach IFINDEX    errno of a DETACH of its last program
    privcheck.py join [SECONDS]    errno of joining the "changes" group;
                                   with SECONDS, also the commands of the
                                   notifications heard in that time
    privcheck.py newlink NAME      errno of creating a netkit2 pair NAME
                                   (peer NAME + "p"), deleted again
    privcheck.py each CMD:ARG ...  the commands above in one process, a
                                   JSON list of their objects

Every errno is 0 on success. Standard library only."""

import json
import os
import select
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402
import nl  # noqa: E402

CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NETLINK_ADD_MEMBERSHIP = 1


def family(g):
    """(family id, {group name: id}) of netkit2."""
    r = g.request(genl.GENL_ID_CTRL, nl.NLM_F_REQUEST | nl.NLM_F_ACK,
                  genl.GenlHdr(genl.CTRL_CMD_GETFAMILY),
                  [nl.string(genl.CTRL_ATTR_FAMILY_NAME, 'netkit2')])
    if r.errno or not r.replies:
        raise SystemExit(json.dumps({'error': 'no netkit2 family (%s)' % r.ename}))
    fid, groups = None, {}
    for t, v in nl.parse_attrs(r.replies[0][1][4:]):
        if t == genl.CTRL_ATTR_FAMILY_ID:
            fid = struct.unpack('=H', v[:2])[0]
        elif t == CTRL_ATTR_MCAST_GROUPS:
            for _, grp in nl.parse_attrs(v):
                a = dict(nl.parse_attrs(grp))
                name = a[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()
                groups[name] = struct.unpack('=I', a[CTRL_ATTR_MCAST_GRP_ID][:4])[0]
    return fid, groups


def request(cmd, ifindex):
    attrs = [nl.u32(genl.NK2_A_IFINDEX, ifindex)]
    if cmd == genl.NK2_CMD_ATTACH:
        attrs.append(nl.s32(genl.NK2_A_PROG_FD, 0))
    with genl.Genl() as g:
        fid, _ = family(g)
        r = g.do(fid, cmd, attrs)
        return {'errno': r.errno}


def join(seconds):
    with genl.Genl() as g:
        fid, groups = family(g)
        try:
            g.sock.setsockopt(nl.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups['changes'])
        except OSError as e:
            return {'errno': e.errno, 'heard': []}
        heard, end = [], time.time() + seconds
        while time.time() < end:
            if not select.select([g.sock], [], [], max(0, end - time.time()))[0]:
                continue
            data = g.sock.recv(1 << 16)
            off = 0
            while off + 20 <= len(data):
                ln, typ = struct.unpack_from('=IH', data, off)
                # the family request's ack may come late: notifications only
                if typ == fid:
                    heard.append(data[off + 16])
                off += (ln + 3) & ~3
        return {'errno': 0, 'heard': heard}


def newlink(name):
    with nl.NL() as n:
        r = n.newlink('netkit2', name=name, peer={'name': name + 'p'})
        if r.errno == 0:
            n.dellink(name)
        return {'errno': r.errno, 'msg': r.msg}


def run(cmd, args):
    cmds = {'query': genl.NK2_CMD_QUERY, 'attach': genl.NK2_CMD_ATTACH,
            'detach': genl.NK2_CMD_DETACH}
    if cmd in cmds:
        out = request(cmds[cmd], int(args[0]))
    elif cmd == 'join':
        out = join(float(args[0]) if args else 0)
    elif cmd == 'newlink':
        out = newlink(args[0])
    else:
        raise SystemExit('unknown command %s' % cmd)
    out['uid'] = os.getuid()
    return out


def main():
    if sys.argv[1] == 'each':
        # several commands, one process: each "CMD[:ARG]", one JSON list
        print(json.dumps([run(c.split(':')[0], c.split(':')[1:]) for c in sys.argv[2:]]))
        return
    print(json.dumps(run(sys.argv[1], sys.argv[2:])))


if __name__ == '__main__':
    main()
