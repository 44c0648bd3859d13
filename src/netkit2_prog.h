/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: the programs attached to one device of a pair.
 */
#ifndef _NETKIT2_PROG_H
#define _NETKIT2_PROG_H

#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <uapi/linux/netkit2.h>

struct net;

/* Who attached a program: a netlink socket, or nobody (portid 0). */
struct netkit2_owner {
	const struct net	*net;
	u32			portid;
};

/*
 * The programs of one device, in run order. An array is never changed once
 * published: every change builds a new one under RTNL and replaces it, so
 * the transmit path reads it under RCU without a lock. @prog, ended by a
 * NULL after the last program, is what that path reads; @count and @owner
 * only the control path.
 */
struct netkit2_progs {
	struct rcu_head		rcu;
	unsigned int		count;
	struct bpf_prog		*prog[NETKIT2_PROGS_MAX + 1];
	struct netkit2_owner	owner[NETKIT2_PROGS_MAX];
};

/*
 * One attach or detach request. @prog is the program to attach (its
 * reference passes to the array on success) or to detach (NULL: by
 * @prog_id or by position). @rel_id anchors NETKIT2_F_BEFORE/AFTER and
 * @replace_id names the program NETKIT2_F_REPLACE substitutes; 0 for none.
 */
struct netkit2_prog_req {
	struct bpf_prog		*prog;
	u32			prog_id;
	u32			flags;
	u32			rel_id;
	u32			replace_id;
	u64			expected_revision;
	struct netkit2_owner	owner;
};

int netkit2_prog_attach(struct net_device *dev,
			const struct netkit2_prog_req *req);
int netkit2_prog_detach(struct net_device *dev,
			const struct netkit2_prog_req *req);
bool netkit2_prog_release_owner(struct net_device *dev,
				const struct netkit2_owner *owner);
void netkit2_prog_release_all(struct net_device *dev);
u64 netkit2_prog_revision(const struct net_device *dev);
const struct netkit2_progs *netkit2_progs_rtnl(const struct net_device *dev);

/* Devices with programs owned by a socket, for the socket-release hook. */
extern struct list_head netkit2_owned_devs;

/*
 * Run @progs on @skb, whose data starts at the mac header. A program's
 * NETKIT2_NEXT hands the packet to the next one; any other verdict ends
 * the run. Without programs the device's policy applies, so @progs is
 * never empty here.
 */
static __always_inline int netkit2_progs_run(const struct netkit2_progs *progs,
					     struct sk_buff *skb)
{
	struct bpf_prog *const *p = progs->prog;
	int ret = NETKIT2_NEXT;
	struct bpf_prog *prog;

	/*
	 * A walk to the terminating NULL: per program, no index for bounds
	 * checking and no end pointer to keep.
	 */
	while ((prog = *p++)) {
		bpf_compute_data_pointers(skb);
		ret = bpf_prog_run(prog, skb);
		if (ret != NETKIT2_NEXT)
			break;
	}
	return ret;
}

/* netkit2_redirect.c */
void netkit2_redirect(struct sk_buff *skb);

#endif /* _NETKIT2_PROG_H */
