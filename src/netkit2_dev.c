// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: the network device, its transmit path and ethtool view.
 *
 * A packet transmitted on one device of a pair is received by the other:
 * the transmit routine prepares the skb for the peer's stack (scrubbing
 * what must not cross a network namespace), applies the device's verdict
 * and hands it to the peer with __netif_rx(). Nothing is queued; there is
 * no qdisc and no lock on this path.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/netfilter_netdev.h>
#include <linux/skbuff.h>

#include "netkit2.h"

/*
 * Prepare @skb, transmitted on @dev, to be received on @peer. Within one
 * network namespace only the per-hop state goes (dst, conntrack, ...);
 * across namespaces the timestamp goes too, and mark and priority unless
 * the transmitting side was created with scrub none.
 */
static void netkit2_prep_forward(struct sk_buff *skb,
				 const struct net_device *dev,
				 struct net_device *peer,
				 enum netkit2_scrub scrub)
{
	skb_scrub_packet(skb, false);
	nf_skip_egress(skb, true);
	skb_reset_mac_header(skb);

	if (!net_eq(dev_net(dev), dev_net(peer))) {
		skb_clear_tstamp(skb);
		if (scrub == NETKIT2_SCRUB_DEFAULT) {
			skb->mark = 0;
			skb->priority = 0;
		}
	}

	eth_skb_pkt_type(skb, peer);
	skb->dev = peer;
}

/*
 * The verdict for a packet about to enter @nk's peer: that of the programs
 * attached to the device, or without any @policy, the device's default.
 * The caller reads @policy on entry: kept in a callee-saved register, it
 * is where the program loop leaves each verdict too, with no move between
 * registers per program.
 */
static __always_inline int netkit2_verdict(const struct netkit2 *nk,
					   struct sk_buff *skb, int policy)
{
	const struct netkit2_progs *progs = rcu_dereference(nk->progs);

	if (progs)
		return netkit2_progs_run(progs, skb);
	return policy;
}

/*
 * Hand @skb, prepared for @peer and starting at its mac header, to @peer's
 * stack, @len bytes counted as received there. False when the backlog
 * refused it: it is freed, and counted as dropped by the backlog.
 */
static bool netkit2_rx(struct sk_buff *skb, struct net_device *peer,
		       unsigned int len)
{
	eth_skb_pull_mac(skb);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	if (unlikely(__netif_rx(skb) != NET_RX_SUCCESS))
		return false;
	dev_sw_netstats_rx_add(peer, len);
	return true;
}

/*
 * bpf_redirect_peer() to the netkit2 device @dev from a program of another
 * device, @net the namespace @dev was found in: @skb enters @dev's peer as
 * if @dev had sent it (the same scrub), but without @dev's programs, as a
 * redirect to a veth's peer at tc ingress skips what runs on the veth.
 * Only the peer counts the packet, as received; the kernel's rules for
 * that helper apply: the peer must be up and in another namespace than
 * @net. Consumes @skb.
 */
void netkit2_redirect_into_peer(struct sk_buff *skb, struct net_device *dev,
				const struct net *net)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct net_device *peer;

	peer = rcu_dereference(nk->peer);
	if (unlikely(!peer || !(peer->flags & IFF_UP) ||
		     net_eq(net, dev_net(peer)) ||
		     !pskb_may_pull(skb, ETH_HLEN))) {
		kfree_skb(skb);
		return;
	}
	netkit2_prep_forward(skb, dev, peer, nk->scrub);
	netkit2_rx(skb, peer, skb->len);
}

static netdev_tx_t netkit2_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct netkit2 *nk = netkit2_priv(dev);
	int policy = READ_ONCE(nk->policy);
	netdev_tx_t ret = NETDEV_TX_OK;
	struct netkit2_bpf_ctx bpf_ctx;
	unsigned int len = skb->len;
	struct net_device *peer;

	netkit2_bpf_ctx_enter(&bpf_ctx);
	rcu_read_lock();
	peer = rcu_dereference(nk->peer);
	if (unlikely(!peer || !(peer->flags & IFF_UP)))
		goto drop;
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN) ||
		     skb_orphan_frags(skb, GFP_ATOMIC)))
		goto drop;

	netkit2_prep_forward(skb, dev, peer, nk->scrub);

	switch (netkit2_verdict(nk, skb, policy)) {
	case NETKIT2_NEXT:
	case NETKIT2_PASS:
		if (unlikely(!netkit2_rx(skb, peer, len)))
			goto drop_counted;
		dev_sw_netstats_tx_add(dev, 1, len);
		break;
	case NETKIT2_REDIRECT:
		/* Sent on: whatever becomes of it is the target's business. */
		dev_sw_netstats_tx_add(dev, 1, len);
		netkit2_redirect(skb);
		break;
	case NETKIT2_DROP:
	default:
		goto drop;
	}
out:
	rcu_read_unlock();
	netkit2_bpf_ctx_leave(&bpf_ctx);
	return ret;

drop:
	kfree_skb(skb);
drop_counted:
	dev_core_stats_tx_dropped_inc(dev);
	ret = NET_XMIT_DROP;
	goto out;
}

static int netkit2_open(struct net_device *dev)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct net_device *peer;

	ASSERT_RTNL();
	if (nk->pairing == NETKIT2_DEVICE_SINGLE) {
		netif_carrier_on(dev);
		return 0;
	}

	peer = rtnl_dereference(nk->peer);
	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int netkit2_stop(struct net_device *dev)
{
	struct net_device *peer;

	ASSERT_RTNL();
	peer = rtnl_dereference(netkit2_priv(dev)->peer);
	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

static int netkit2_init(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
	netkit2_lease_dev_init(dev);
	return 0;
}

/*
 * The device is being unregistered: its programs go with it, and its
 * leased queues go back to their physical devices. The core calls this
 * after every NETDEV_UNREGISTER notifier has run (AF_XDP sockets bound to
 * the device have given their pools back through the lease by then).
 */
static void netkit2_uninit(struct net_device *dev)
{
	netkit2_prog_release_all(dev);
	netkit2_lease_end_all(dev);
}

static int netkit2_get_iflink(const struct net_device *dev)
{
	struct net_device *peer;
	int iflink = 0;

	rcu_read_lock();
	peer = rcu_dereference(netkit2_priv(dev)->peer);
	if (peer)
		iflink = READ_ONCE(peer->ifindex);
	rcu_read_unlock();
	return iflink;
}

static struct net_device *netkit2_get_peer_dev(struct net_device *dev)
{
	return rcu_dereference(netkit2_priv(dev)->peer);
}

/* The device receives whatever its peer sends: no filter to program. */
#ifdef NETKIT2_HAVE_NDO_SET_RX_MODE_ASYNC
static int netkit2_set_rx_mode(struct net_device *dev,
			       struct netdev_hw_addr_list *uc,
			       struct netdev_hw_addr_list *mc)
{
	return 0;
}
#else
static void netkit2_set_rx_mode(struct net_device *dev)
{
}
#endif

static int netkit2_set_mac_address(struct net_device *dev, void *addr)
{
	if (netkit2_priv(dev)->mode != NETKIT2_L2)
		return -EOPNOTSUPP;
	return eth_mac_addr(dev, addr);
}

/*
 * A stacked device above either side asks for headroom; both sides get the
 * larger of the two requests so that no skb needs reallocating on its way
 * through the pair. A negative request restores the default; none goes
 * beyond what the core can honour (a bridge passes on what its largest
 * port asks for, whatever that is).
 */
static void netkit2_set_rx_headroom(struct net_device *dev, int headroom)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct net_device *peer;
	u32 needed;

	if (headroom < 0)
		headroom = NET_SKB_PAD;
	headroom = min_t(int, headroom, NETKIT2_HEADROOM_MAX);

	rcu_read_lock();
	nk->headroom = headroom;
	needed = nk->headroom;
	peer = rcu_dereference(nk->peer);
	if (peer) {
		needed = max(needed, netkit2_priv(peer)->headroom);
		peer->needed_headroom = needed;
	}
	dev->needed_headroom = needed;
	rcu_read_unlock();
}

/*
 * XDP as upstream netkit answers it: the device runs no XDP programs of
 * its own (generic XDP, run by the core, still attaches), and takes
 * AF_XDP pools only on queues leased from a physical device.
 */
static int netkit2_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		NL_SET_ERR_MSG(bpf->extack, "netkit2 does not run XDP programs");
		return -EOPNOTSUPP;
	case XDP_SETUP_XSK_POOL:
		return netkit2_xsk_pool_setup(dev, bpf);
	default:
		return -EINVAL;
	}
}

static void netkit2_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	dev_fetch_sw_netstats(stats, dev->tstats);
}

static const struct net_device_ops netkit2_netdev_ops = {
	.ndo_init		= netkit2_init,
	.ndo_uninit		= netkit2_uninit,
	.ndo_open		= netkit2_open,
	.ndo_stop		= netkit2_stop,
	.ndo_start_xmit		= netkit2_xmit,
#ifdef NETKIT2_HAVE_NDO_SET_RX_MODE_ASYNC
	.ndo_set_rx_mode_async	= netkit2_set_rx_mode,
#else
	.ndo_set_rx_mode	= netkit2_set_rx_mode,
#endif
	.ndo_set_rx_headroom	= netkit2_set_rx_headroom,
	.ndo_set_mac_address	= netkit2_set_mac_address,
	.ndo_get_iflink		= netkit2_get_iflink,
	.ndo_get_peer_dev	= netkit2_get_peer_dev,
	.ndo_get_stats64	= netkit2_get_stats64,
	.ndo_features_check	= passthru_features_check,
	.ndo_bpf		= netkit2_bpf,
#ifdef NETKIT2_HAVE_QUEUE_LEASE
	.ndo_xsk_wakeup		= netkit2_xsk_wakeup,
#endif
};

bool netkit2_is_netkit2(const struct net_device *dev)
{
	return dev->netdev_ops == &netkit2_netdev_ops;
}

static void netkit2_get_drvinfo(struct net_device *dev,
				struct ethtool_drvinfo *info)
{
	strscpy(info->driver, NETKIT2_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, NETKIT2_VERSION, sizeof(info->version));
}

/*
 * Queue counts are fixed at creation (numrxqueues); report them, with the
 * allocated maximum, but accept no change.
 */
static void netkit2_get_channels(struct net_device *dev,
				 struct ethtool_channels *ch)
{
	ch->max_rx = dev->num_rx_queues;
	ch->max_tx = dev->num_tx_queues;
	ch->rx_count = dev->real_num_rx_queues;
	ch->tx_count = dev->real_num_tx_queues;
}

static const struct ethtool_ops netkit2_ethtool_ops = {
	.get_drvinfo		= netkit2_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_channels		= netkit2_get_channels,
};

void netkit2_setup(struct net_device *dev)
{
	struct netkit2 *nk = netkit2_priv(dev);
	static const netdev_features_t vlan_offloads =
		NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX |
		NETIF_F_HW_VLAN_STAG_TX | NETIF_F_HW_VLAN_STAG_RX;
	static const netdev_features_t offloads =
		vlan_offloads | NETIF_F_SG | NETIF_F_FRAGLIST |
		NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_SCTP_CRC |
		NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE |
		NETIF_F_GSO_ENCAP_ALL;

	ether_setup(dev);
	dev->max_mtu = ETH_MAX_MTU;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

	/* L3 until newlink says otherwise: no neighbour resolution. */
	dev->flags |= IFF_NOARP;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_PHONY_HEADROOM |
			   IFF_NO_QUEUE | IFF_DISABLE_NETPOLL;
	netkit2_set_lltx(dev);
#ifdef NETKIT2_HAVE_NETMEM_TX
	dev->netmem_tx = NETMEM_TX_NO_DMA;
#endif

	dev->netdev_ops = &netkit2_netdev_ops;
	dev->ethtool_ops = &netkit2_ethtool_ops;
#ifdef NETKIT2_HAVE_QUEUE_CREATE
	dev->queue_mgmt_ops = &netkit2_queue_mgmt_ops;
#endif

	dev->features |= offloads;
	dev->hw_features = offloads;
	dev->hw_enc_features = offloads;
	dev->mpls_features = NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE;
	dev->vlan_features = dev->features & ~vlan_offloads;

	dev->needs_free_netdev = true;
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);

	nk->dev = dev;
	netkit2_prog_ctl_init(&nk->progctl);
}

void netkit2_init_priv(struct net_device *dev, bool primary,
		       enum netkit2_mode mode, enum netkit2_pairing pairing,
		       enum netkit2_action policy, enum netkit2_scrub scrub,
		       u16 headroom, u16 tailroom)
{
	struct netkit2 *nk = netkit2_priv(dev);

	nk->primary = primary;
	nk->mode = mode;
	nk->pairing = pairing;
	nk->policy = policy;
	nk->scrub = scrub;
	nk->headroom = headroom;
	/* Not registered yet: flags change without notifying anyone. */
	if (mode == NETKIT2_L2)
		dev->flags &= ~IFF_NOARP;
	if (headroom)
		dev->needed_headroom = headroom;
	if (tailroom)
		dev->needed_tailroom = tailroom;
}
