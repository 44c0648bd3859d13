/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: internal definitions shared by the module's files.
 */
#ifndef _NETKIT2_H
#define _NETKIT2_H

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/netkit2.h>

#include "netkit2_compat.h"
#include "netkit2_prog.h"

#define NETKIT2_DRV_NAME	"netkit2"
#ifndef NETKIT2_VERSION
#define NETKIT2_VERSION		"0.0.0"
#endif

/* Interface name pattern for devices created without a name. */
#define NETKIT2_IFNAME_PATTERN	"nk%d"

/*
 * The largest headroom the core can honour. It keeps the offsets of a
 * packet's headers from skb->head in 16 bits, 0xffff meaning "not set".
 * A packet built for a device has its network header LL_RESERVED_SPACE()
 * bytes in (up to a cache line more once skb_expand_head() has aligned
 * it), and its transport header after the largest IPv6 header chain the
 * stack builds: the fixed header, the four extension headers a socket may
 * set (2048 bytes each) and the jumbo option of a big TCP packet. A larger
 * headroom makes those offsets wrap; upstream netkit accepts it, and the
 * first IPv6 neighbour solicitation faults in eth_header().
 */
#define NETKIT2_L3_HDRS_MAX	(40 + 4 * 2048 + 8)
#define NETKIT2_LL_SPACE(headroom)					\
	(((ETH_HLEN + (headroom)) & ~(HH_DATA_MOD - 1)) + HH_DATA_MOD)
#define NETKIT2_LL_SPACE_MAX	(U16_MAX - 1 - SMP_CACHE_BYTES - NETKIT2_L3_HDRS_MAX)
#define NETKIT2_HEADROOM_MAX						\
	((((NETKIT2_LL_SPACE_MAX - HH_DATA_MOD) & ~(HH_DATA_MOD - 1)) +	\
	  HH_DATA_MOD - 1) - ETH_HLEN)

/*
 * Private area of every netkit2 device. The first group is read on each
 * transmitted packet; the second only by the control path under RTNL.
 */
struct netkit2 {
	struct net_device __rcu	*peer;
	struct netkit2_progs __rcu *progs;
	enum netkit2_action	policy;
	enum netkit2_scrub	scrub;

	enum netkit2_mode	mode;
	enum netkit2_pairing	pairing;
	bool			primary;
	u32			headroom;
	struct net_device	*dev;
	struct netkit2_prog_ctl	progctl;
};

static inline struct netkit2 *netkit2_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

/* netkit2_dev.c */
void netkit2_setup(struct net_device *dev);
bool netkit2_is_netkit2(const struct net_device *dev);
void netkit2_redirect_into_peer(struct sk_buff *skb, struct net_device *dev,
				const struct net *net);
void netkit2_init_priv(struct net_device *dev, bool primary,
		       enum netkit2_mode mode, enum netkit2_pairing pairing,
		       enum netkit2_action policy, enum netkit2_scrub scrub,
		       u16 headroom, u16 tailroom);

/* netkit2_genl.c */
int netkit2_genl_init(void);
void netkit2_genl_exit(void);
void netkit2_genl_notify_release(struct net_device *dev);

/* netkit2_lease.c */
#ifdef NETKIT2_HAVE_QUEUE_CREATE
extern const struct netdev_queue_mgmt_ops netkit2_queue_mgmt_ops;
#endif
#ifdef NETKIT2_HAVE_QUEUE_LEASE
int netkit2_lease_init(void);
void netkit2_lease_exit(void);
void netkit2_lease_dev_init(struct net_device *dev);
void netkit2_lease_end_all(struct net_device *dev);
int netkit2_xsk_pool_setup(struct net_device *dev, struct netdev_bpf *bpf);
int netkit2_xsk_wakeup(struct net_device *dev, u32 queue_id, u32 flags);
#else
static inline int netkit2_lease_init(void)
{
	return 0;
}

static inline void netkit2_lease_exit(void)
{
}

static inline void netkit2_lease_dev_init(struct net_device *dev)
{
}

static inline void netkit2_lease_end_all(struct net_device *dev)
{
}

static inline int netkit2_xsk_pool_setup(struct net_device *dev,
					 struct netdev_bpf *bpf)
{
	return -EOPNOTSUPP;
}
#endif

/* netkit2_redirect.c */
void netkit2_redirect(struct sk_buff *skb);

/* netkit2_rtnl.c */
extern struct rtnl_link_ops netkit2_link_ops;

#endif /* _NETKIT2_H */
