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

#endif /* _UAPI_LINUX_NETKIT2_H */
