/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * netkit2: user-visible definitions.
 *
 * The IFLA_INFO_DATA attributes of link kind "netkit2" are wire-compatible
 * with the kernel's IFLA_NETKIT_* attributes of link kind "netkit": same
 * numbers, same types, same enum values. Attributes that only netkit2 knows
 * are numbered after upstream's last one.
 */
#ifndef _UAPI_LINUX_NETKIT2_H
#define _UAPI_LINUX_NETKIT2_H

#define NETKIT2_KIND		"netkit2"

/* Verdicts of a program, and the default policy of a device. */
enum netkit2_action {
	NETKIT2_NEXT		= -1,
	NETKIT2_PASS		= 0,
	NETKIT2_DROP		= 2,
	NETKIT2_REDIRECT	= 7,
};

enum netkit2_mode {
	NETKIT2_L2,
	NETKIT2_L3,
};

enum netkit2_pairing {
	NETKIT2_DEVICE_PAIR,
	NETKIT2_DEVICE_SINGLE,
};

/*
 * NETKIT2_SCRUB_DEFAULT clears skb->mark and skb->priority when a packet
 * crosses into the peer's network namespace; NETKIT2_SCRUB_NONE keeps them
 * for the programs (and the stack) on the other side.
 */
enum netkit2_scrub {
	NETKIT2_SCRUB_NONE,
	NETKIT2_SCRUB_DEFAULT,
};

enum {
	IFLA_NETKIT2_UNSPEC,
	IFLA_NETKIT2_PEER_INFO,		/* struct ifinfomsg + IFLA_* of the peer */
	IFLA_NETKIT2_PRIMARY,		/* u8, read-only */
	IFLA_NETKIT2_POLICY,		/* u32, enum netkit2_action */
	IFLA_NETKIT2_PEER_POLICY,	/* u32, enum netkit2_action */
	IFLA_NETKIT2_MODE,		/* u32, enum netkit2_mode */
	IFLA_NETKIT2_SCRUB,		/* u32, enum netkit2_scrub */
	IFLA_NETKIT2_PEER_SCRUB,	/* u32, enum netkit2_scrub */
	IFLA_NETKIT2_HEADROOM,		/* u16 */
	IFLA_NETKIT2_TAILROOM,		/* u16 */
	IFLA_NETKIT2_PAIRING,		/* u32, enum netkit2_pairing */
	/* netkit2 extensions follow upstream's last attribute. */
	__IFLA_NETKIT2_MAX,
};

#define IFLA_NETKIT2_MAX	(__IFLA_NETKIT2_MAX - 1)

/* Limits of rtnl_link_ops->alloc: numrxqueues / numtxqueues. */
#define NETKIT2_NUM_RX_QUEUES_MAX	1024
#define NETKIT2_NUM_TX_QUEUES_MAX	1

/*
 * Generic netlink family "netkit2": programs attached to a device pair.
 *
 * Each side of a pair (primary, peer) runs an ordered list of up to
 * NETKIT2_PROGS_MAX BPF_PROG_TYPE_SCHED_CLS programs on transmit. Requests
 * name the pair by the primary's ifindex in the caller's network namespace
 * and pick a side with NETKIT2_A_TARGET. Positions and errors follow the
 * kernel's multi-program attach (BPF_F_BEFORE/AFTER/REPLACE): the flag
 * values are the same as BPF_F_*.
 */
#define NETKIT2_GENL_NAME		"netkit2"
#define NETKIT2_GENL_VERSION		1
#define NETKIT2_GENL_MCGRP_CHANGES	"changes"

/*
 * Upstream netkit's limit: the kernel's multi-program array has 64 slots
 * and keeps one of them free, so a side takes 63 programs.
 */
#define NETKIT2_PROGS_MAX		63

enum netkit2_target {
	NETKIT2_TARGET_PRIMARY,
	NETKIT2_TARGET_PEER,
};

/* NETKIT2_A_FLAGS */
#define NETKIT2_F_REPLACE	(1U << 2)
#define NETKIT2_F_BEFORE	(1U << 3)
#define NETKIT2_F_AFTER		(1U << 4)
#define NETKIT2_F_MASK		(NETKIT2_F_REPLACE | NETKIT2_F_BEFORE | \
				 NETKIT2_F_AFTER)

/*
 * Commands. ATTACH and DETACH are also the commands of the "changes"
 * notifications for what they do (DETACH too when a socket that owned
 * programs closes); those carry the list after the change. RELEASE is only
 * a notification: a pair is being deleted (by request, with a network
 * namespace or with the module) and PROG_IDS / PROG_OWNERS list the
 * programs a side had, which are released with it. Every notification
 * goes to the primary's network namespace.
 */
enum {
	NETKIT2_CMD_UNSPEC,
	NETKIT2_CMD_ATTACH,
	NETKIT2_CMD_DETACH,
	NETKIT2_CMD_QUERY,
	NETKIT2_CMD_RELEASE,
	__NETKIT2_CMD_MAX,
};

#define NETKIT2_CMD_MAX		(__NETKIT2_CMD_MAX - 1)

enum {
	NETKIT2_A_UNSPEC,
	NETKIT2_A_IFINDEX,		/* u32, the primary's ifindex */
	NETKIT2_A_TARGET,		/* u32, enum netkit2_target */
	NETKIT2_A_PROG_FD,		/* s32, program to attach or detach */
	NETKIT2_A_PROG_ID,		/* u32, program to detach, by id */
	NETKIT2_A_RELATIVE_FD,		/* s32, anchor of BEFORE/AFTER */
	NETKIT2_A_RELATIVE_ID,		/* u32, anchor of BEFORE/AFTER, by id */
	NETKIT2_A_REPLACE_FD,		/* s32, program REPLACE substitutes */
	NETKIT2_A_REPLACE_ID,		/* u32, the same by id */
	NETKIT2_A_FLAGS,		/* u32, NETKIT2_F_* */
	NETKIT2_A_EXPECTED_REVISION,	/* u64, 0: any */
	NETKIT2_A_OWNED,		/* flag: detach when the socket closes */
	NETKIT2_A_REVISION,		/* u64, reply and notifications; 1 when
					 * the list is empty
					 */
	NETKIT2_A_PROG_IDS,		/* binary, u32[]: ids in run order */
	NETKIT2_A_PROG_OWNERS,		/* binary, u32[]: owner port id, 0: none */
	NETKIT2_A_PAD,
	__NETKIT2_A_MAX,
};

#define NETKIT2_A_MAX		(__NETKIT2_A_MAX - 1)

#endif /* _UAPI_LINUX_NETKIT2_H */
