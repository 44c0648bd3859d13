/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: differences between the kernels netkit2 builds against.
 *
 * Every difference is decided by a build-time probe (probes/, turned
 * into NETKIT2_HAVE_* by probes/gen.sh); nothing here tests a version.
 */
#ifndef _NETKIT2_COMPAT_H
#define _NETKIT2_COMPAT_H

#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "netkit2_probes.h"

/* The instance lock and lockdep classes of a device, where they live apart. */
#ifdef NETKIT2_HAVE_NET_NETDEV_LOCK_H
#include <net/netdev_lock.h>
#endif

/*
 * Rx queue leasing needs both the queue-create core (compile probe) and
 * the lease teardown exported to modules (export probe, patches/).
 */
#if defined(NETKIT2_HAVE_QUEUE_CREATE) && defined(NETKIT2_HAVE_QUEUE_LEASE_SYMS)
#define NETKIT2_HAVE_QUEUE_LEASE 1
#endif

#ifndef NETKIT2_HAVE_ETH_SKB_PULL_MAC
static inline struct ethhdr *eth_skb_pull_mac(struct sk_buff *skb)
{
	struct ethhdr *eth = (struct ethhdr *)skb->data;

	skb_pull_inline(skb, ETH_HLEN);
	return eth;
}
#endif

/*
 * Whether @dev already sits on an unregistration list. The kernel has a
 * helper for this since 6.19 but does not export it to modules.
 */
static inline bool netkit2_unregister_queued(const struct net_device *dev)
{
	ASSERT_RTNL();
	return !list_empty(&dev->unreg_list);
}

static inline void netkit2_set_lltx(struct net_device *dev)
{
#ifdef NETKIT2_HAVE_NETDEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

#ifndef NETKIT2_HAVE_KMALLOC_OBJ
#define kmalloc_obj(obj, gfp)	kmalloc(sizeof(obj), gfp)
#define kzalloc_obj(obj, gfp)	kzalloc(sizeof(obj), gfp)
#endif

/*
 * The redirect state bpf_redirect() leaves for the caller: in a context
 * the caller puts on its stack for the duration of the programs where the
 * kernel has struct bpf_net_context, per CPU before.
 */
struct netkit2_bpf_ctx {
#ifdef NETKIT2_HAVE_BPF_NET_CTX
	struct bpf_net_context	ctx;
	struct bpf_net_context	*prev;
#endif
};

static __always_inline void netkit2_bpf_ctx_enter(struct netkit2_bpf_ctx *c)
{
#ifdef NETKIT2_HAVE_BPF_NET_CTX
	c->prev = bpf_net_ctx_set(&c->ctx);
#endif
}

static __always_inline void netkit2_bpf_ctx_leave(struct netkit2_bpf_ctx *c)
{
#ifdef NETKIT2_HAVE_BPF_NET_CTX
	bpf_net_ctx_clear(c->prev);
#endif
}

/*
 * Flags bpf_redirect_peer() and bpf_redirect_neigh() leave in
 * bpf_redirect_info::flags next to the user's ones. The kernel keeps
 * them private to net/core/filter.c (an anonymous enum, not in any
 * header); the values are the same in 6.1, 6.12 and 7.3. NEXTHOP says
 * that bpf_redirect_info::nh holds the caller's next hop.
 */
#define NETKIT2_BPF_F_NEIGH	BIT(16)
#define NETKIT2_BPF_F_PEER	BIT(17)
#define NETKIT2_BPF_F_NEXTHOP	BIT(18)

static inline struct bpf_redirect_info *netkit2_redirect_info(void)
{
#ifdef NETKIT2_HAVE_BPF_NET_CTX
	return bpf_net_ctx_get_ri();
#else
	return this_cpu_ptr(&bpf_redirect_info);
#endif
}

#endif /* _NETKIT2_COMPAT_H */
