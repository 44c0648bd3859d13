/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: the programs attached to one device of a pair.
 *
 * Naming: netkit2_progs_*() take one program array (struct netkit2_progs),
 * published or being built; netkit2_prog_*() act on a device's programs
 * as a whole (attach, detach, release) or on the engine of the module.
 */
#ifndef _NETKIT2_PROG_H
#define _NETKIT2_PROG_H

#include <linux/filter.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <uapi/linux/netkit2.h>

struct net;
struct sock;
struct netkit2_owner;

/*
 * The programs of one device, in run order. An array is never changed once
 * published: every change builds a new one under RTNL and replaces it, so
 * the transmit path reads it under RCU without a lock. Each array holds a
 * reference on every program it lists; a replaced array drops them from a
 * work item once a grace period has passed, so no program is freed while
 * a transmit may still run it and no request waits for that.
 *
 * @prog, ended by a NULL after the last program, is what the transmit path
 * reads; @count and @owner only the control path.
 */
struct netkit2_progs {
	struct rcu_work		rwork;
	unsigned int		count;
	struct bpf_prog		*prog[NETKIT2_PROGS_MAX + 1];
	struct netkit2_owner	*owner[NETKIT2_PROGS_MAX];
};

/* Control-path state of a device's programs: RTNL. */
struct netkit2_prog_ctl {
	/* Counts every change from 1, as the kernel's multi-program attach. */
	u64			revision;
	/* Programs some socket owns, and the node on netkit2_owned_devs. */
	unsigned int		owned;
	struct list_head	owned_node;
};

/*
 * One attach or detach request. @prog is the program to attach (its
 * reference passes to the array on success) or to detach (NULL: by
 * @prog_id or by position). @rel_id anchors NETKIT2_F_BEFORE/AFTER and
 * @replace_id names the program NETKIT2_F_REPLACE substitutes; 0 for none.
 * An attachment owned by a netlink socket names it in @owner_sk (identity
 * only, never dereferenced by the engine beyond its flags) with its port
 * id; it is detached when that socket is released.
 */
struct netkit2_prog_req {
	struct bpf_prog		*prog;
	u32			prog_id;
	u32			flags;
	u32			rel_id;
	u32			replace_id;
	u64			expected_revision;
	struct sock		*owner_sk;
	u32			owner_portid;
};

void netkit2_prog_ctl_init(struct netkit2_prog_ctl *ctl);
int netkit2_prog_attach(struct net_device *dev,
			const struct netkit2_prog_req *req);
int netkit2_prog_detach(struct net_device *dev,
			const struct netkit2_prog_req *req);
void netkit2_prog_release_all(struct net_device *dev);
u64 netkit2_prog_revision(const struct net_device *dev);
const struct netkit2_progs *netkit2_progs_rtnl(const struct net_device *dev);
u32 netkit2_progs_owner_portid(const struct netkit2_progs *progs,
			       unsigned int i);

/* The netkit2_prog_ctl of every device owning programs (RTNL). */
extern struct list_head netkit2_owned_devs;

bool netkit2_prog_sock_owns(const struct net *net, u32 portid);
void netkit2_prog_release_sock(const struct net *net, u32 portid,
			       void (*changed)(struct net_device *dev));

int netkit2_prog_init(void);
void netkit2_prog_exit(void);
void netkit2_prog_barrier(void);

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

#endif /* _NETKIT2_PROG_H */
