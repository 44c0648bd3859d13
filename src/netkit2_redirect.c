// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: carrying out a program's NETKIT2_REDIRECT.
 *
 * The redirect helpers (bpf_redirect(), bpf_redirect_peer(),
 * bpf_redirect_neigh()) only record the target in the redirect state; the
 * kernel's tc layer then moves the packet, and so does this file for
 * netkit2, with the kernel's semantics for each form:
 *  - bpf_redirect(ifindex, 0) queues the packet on the target's transmit,
 *    BPF_F_INGRESS makes the target receive it;
 *  - a target without an Ethernet header (an IP tunnel, a tun device in
 *    L3 mode, ...) gets the packet from its network header on;
 *  - bpf_redirect_neigh() routes the packet out of the target (or takes
 *    the program's next hop) and fills in the link-layer header from the
 *    neighbour table;
 *  - bpf_redirect_peer() to a netkit2 device makes that device's peer
 *    receive the packet, the device's own programs skipped (the kernel
 *    does this only from tc ingress, where a netkit2 program never runs).
 *    To any other device the packet is dropped, unless the kernel has
 *    BPF_F_EGRESS for the helper, which sends it out of the target's peer.
 * Transmitting on a device from inside a transmit nests: the depth is
 * shared with the kernel's own accounting, so that a program that sends
 * packets back where they came from ends at the kernel's limit.
 *
 * A netkit2 program runs on the transmit of its device, never at tc
 * ingress: the mac header has not been pulled (there is no receive
 * checksum to fix up), and an skb moved to another device is not marked
 * as coming from ingress.
 *
 * Every function here consumes the skb. Drops are counted where the
 * kernel counts them: the caller has counted the packet as transmitted
 * by the netkit2 device; failures of a neighbour redirect are counted as
 * dropped by its target, the others are not counted.
 */

#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/sock.h>

#include "netkit2.h"

static void netkit2_recursion_alert(const struct net_device *dev)
{
	net_crit_ratelimited("netkit2: transmit recursion limit reached redirecting to %s, buggy bpf program?\n",
			     dev->name);
}

/* Queue @skb on @dev's transmit, one level deeper. */
static void netkit2_redirect_tx(struct sk_buff *skb, struct net_device *dev)
{
	if (dev_xmit_recursion()) {
		netkit2_recursion_alert(dev);
		kfree_skb(skb);
		return;
	}

	skb->dev = dev;
#ifdef NETKIT2_HAVE_SKB_SET_REDIRECTED_NOCLEAR
	skb_set_redirected_noclear(skb, false);
#endif
	skb_clear_tstamp(skb);

	dev_xmit_recursion_inc();
	dev_queue_xmit(skb);
	dev_xmit_recursion_dec();
}

/*
 * Make @dev receive @skb, whose data starts at the mac header, without
 * checking its size against @dev's MTU (as the kernel's redirect does).
 */
static void netkit2_redirect_rx(struct sk_buff *skb, struct net_device *dev,
				bool mac)
{
	if (____dev_forward_skb(dev, skb, false))
		return;
	if (mac) {
		skb->protocol = eth_type_trans(skb, dev);
		skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	} else {
		skb->dev = dev;
	}
	netif_rx(skb);
}

static void netkit2_redirect_dev(struct sk_buff *skb, struct net_device *dev,
				 u32 flags)
{
	unsigned int mlen;

	if (dev_is_mac_header_xmit(dev)) {
		/* The packet must still carry its link-layer header. */
		if (unlikely(skb->mac_header >= skb->network_header ||
			     !skb->len))
			goto drop;
		if (flags & BPF_F_INGRESS)
			netkit2_redirect_rx(skb, dev, true);
		else
			netkit2_redirect_tx(skb, dev);
		return;
	}

	/* No link layer on @dev: the packet starts at its network header. */
	mlen = skb_network_offset(skb);
	if (unlikely(skb->len <= mlen))
		goto drop;
	if (mlen) {
		__skb_pull(skb, mlen);
		skb_postpull_rcsum(skb, skb_mac_header(skb), mlen);
	}
	skb_pop_mac_header(skb);
	skb_reset_mac_len(skb);
	if (flags & BPF_F_INGRESS)
		netkit2_redirect_rx(skb, dev, false);
	else
		netkit2_redirect_tx(skb, dev);
	return;
drop:
	kfree_skb(skb);
}

/*
 * The neighbour @skb (its network header at data, its route set unless
 * @nh names the next hop) goes to on @dev. @v6gw is set when an IPv4
 * packet goes to an IPv6 next hop.
 */
static struct neighbour *netkit2_neigh_find(struct sk_buff *skb,
					    struct net_device *dev,
					    const struct bpf_nh_params *nh,
					    bool *v6gw)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!nh)
			return ip_neigh_for_gw(skb_rtable(skb), skb, v6gw);
		if (nh->nh_family == AF_INET)
			return ip_neigh_gw4(dev, nh->ipv4_nh);
		if (nh->nh_family != AF_INET6)
			return ERR_PTR(-EAFNOSUPPORT);
	}
#if IS_REACHABLE(CONFIG_IPV6)
	if (unlikely(!ipv6_mod_enabled()))
		return ERR_PTR(-EAFNOSUPPORT);
	if (skb->protocol == htons(ETH_P_IP)) {
		*v6gw = true;
		return ip_neigh_gw6(dev, &nh->ipv6_nh);
	}
	if (nh)
		return ip_neigh_gw6(dev, &nh->ipv6_nh);
	return ip_neigh_gw6(dev, rt6_nexthop(dst_rt6_info(skb_dst(skb)),
					     &ipv6_hdr(skb)->daddr));
#else
	return ERR_PTR(-EAFNOSUPPORT);
#endif
}

/*
 * Send @skb out of @dev to its next hop, resolving it if need be. Returns
 * the transmit status, an error if the packet was dropped before.
 */
static int netkit2_neigh_xmit(struct sk_buff *skb, struct net_device *dev,
			      const struct bpf_nh_params *nh)
{
	u32 hh_len = LL_RESERVED_SPACE(dev);
	struct neighbour *neigh;
	bool v6gw = false;
	int ret;

	if (dev_xmit_recursion()) {
		netkit2_recursion_alert(dev);
		goto drop;
	}

	skb->dev = dev;
	skb_clear_tstamp(skb);
	if (unlikely(skb_headroom(skb) < hh_len && dev->header_ops)) {
		skb = skb_expand_head(skb, hh_len);
		if (!skb)
			return -ENOMEM;
	}

	neigh = netkit2_neigh_find(skb, dev, nh, &v6gw);
	if (IS_ERR(neigh)) {
#if IS_REACHABLE(CONFIG_IPV6)
		if (skb->protocol == htons(ETH_P_IPV6) && !nh)
			IP6_INC_STATS(dev_net(dev), ip6_dst_idev(skb_dst(skb)),
				      IPSTATS_MIB_OUTNOROUTES);
#endif
		goto drop;
	}

	sock_confirm_neigh(skb, neigh);
	dev_xmit_recursion_inc();
	ret = neigh_output(neigh, skb, v6gw);
	dev_xmit_recursion_dec();
	return ret;
drop:
	kfree_skb(skb);
	return -ENETDOWN;
}

/* Route an IPv4 @skb out of @dev, as if sent by the host. */
static bool netkit2_route_v4(struct sk_buff *skb, struct net_device *dev)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.flowi4_flags	= FLOWI_FLAG_ANYSRC,
		.flowi4_mark	= skb->mark,
#ifdef NETKIT2_HAVE_FLOWI4_DSCP
		.flowi4_dscp	= ip4h_dscp(iph),
#else
		.flowi4_tos	= iph->tos & INET_DSCP_MASK,
#endif
		.flowi4_oif	= dev->ifindex,
		.flowi4_proto	= iph->protocol,
		.daddr		= iph->daddr,
		.saddr		= iph->saddr,
	};
	struct rtable *rt;

	rt = ip_route_output_flow(dev_net(dev), &fl4, NULL);
	if (IS_ERR(rt))
		return false;
	if (rt->rt_type != RTN_UNICAST && rt->rt_type != RTN_LOCAL) {
		ip_rt_put(rt);
		return false;
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
	return true;
}

static bool netkit2_route_v6(struct sk_buff *skb, struct net_device *dev)
{
#if IS_REACHABLE(CONFIG_IPV6)
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.flowi6_flags	= FLOWI_FLAG_ANYSRC,
		.flowi6_mark	= skb->mark,
		.flowlabel	= ip6_flowinfo(ip6h),
		.flowi6_oif	= dev->ifindex,
		.flowi6_proto	= ip6h->nexthdr,
		.daddr		= ip6h->daddr,
		.saddr		= ip6h->saddr,
	};
	struct dst_entry *dst;

	/*
	 * On a host booted with ipv6.disable=1 the IPv6 routing tables were
	 * never set up: a lookup would dereference them.
	 */
	if (unlikely(!ipv6_mod_enabled()))
		return false;
	dst = ip6_dst_lookup_flow(dev_net(dev), NULL, &fl6, NULL);
	if (IS_ERR(dst))
		return false;
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	return true;
#else
	return false;
#endif
}

/*
 * bpf_redirect_neigh(): out of @dev with a link-layer header of its own,
 * to the next hop @nh or, without one, to that of a route lookup.
 */
static void netkit2_redirect_neigh(struct sk_buff *skb, struct net_device *dev,
				   const struct bpf_nh_params *nh)
{
	bool routed;
	int err;

	if (unlikely(skb->mac_header >= skb->network_header) ||
	    is_multicast_ether_addr(eth_hdr(skb)->h_dest))
		goto drop;

	skb_pull(skb, ETH_HLEN);
	skb_unset_mac_header(skb);
	skb_reset_network_header(skb);

	if (skb->protocol == htons(ETH_P_IP)) {
		routed = nh || netkit2_route_v4(skb, dev);
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		/* An IPv6 packet cannot go to an IPv4 next hop. */
		routed = nh ? nh->nh_family == AF_INET6 :
			      netkit2_route_v6(skb, dev);
	} else {
		goto drop;
	}

	if (unlikely(!routed)) {
		dev_core_stats_tx_dropped_inc(dev);
		goto drop;
	}
	/* net_xmit_eval() evaluates its argument twice. */
	err = netkit2_neigh_xmit(skb, dev, nh);
	if (unlikely(net_xmit_eval(err)))
		dev_core_stats_tx_dropped_inc(dev);
	return;
drop:
	kfree_skb(skb);
}

/*
 * bpf_redirect_peer() outside tc ingress. To a netkit2 device, the packet
 * enters that device's peer directly. Otherwise only BPF_F_EGRESS, where
 * the kernel has it, has a meaning here: out of the target's peer. @net is
 * the namespace the target was found in, which the peer must not share.
 */
static void netkit2_redirect_peer(struct sk_buff *skb, struct net_device *dev,
				  const struct net *net, u32 flags)
{
#ifdef NETKIT2_HAVE_REDIRECT_PEER_EGRESS
	if (flags & BPF_F_EGRESS) {
		struct net_device *peer = NULL;

		if (dev->netdev_ops->ndo_get_peer_dev)
			peer = dev->netdev_ops->ndo_get_peer_dev(dev);
		if (unlikely(!peer || !(peer->flags & IFF_UP) ||
			     net_eq(net, dev_net(peer)))) {
			kfree_skb(skb);
			return;
		}
		skb_scrub_packet(skb, false);
		netkit2_redirect_dev(skb, peer, 0);
		return;
	}
#endif
	if (netkit2_is_netkit2(dev))
		netkit2_redirect_into_peer(skb, dev, net);
	else
		kfree_skb(skb);
}

/*
 * Carry out the redirect the programs of @skb->dev's peer asked for.
 * @skb has been prepared for the peer (skb->dev is the peer, whose
 * namespace the target index is looked up in) and its data starts at the
 * mac header. Consumes @skb.
 */
void netkit2_redirect(struct sk_buff *skb)
{
	struct bpf_redirect_info *ri = netkit2_redirect_info();
	struct net *net = dev_net(skb->dev);
	u32 flags = ri->flags;
	struct net_device *to;

	to = dev_get_by_index_rcu(net, ri->tgt_index);
	ri->tgt_index = 0;
	ri->flags = 0;
	if (unlikely(!to))
		kfree_skb(skb);
	else if (flags & NETKIT2_BPF_F_PEER)
		netkit2_redirect_peer(skb, to, net, flags);
	else if (flags & NETKIT2_BPF_F_NEIGH)
		netkit2_redirect_neigh(skb, to, flags & NETKIT2_BPF_F_NEXTHOP ?
					       &ri->nh : NULL);
	else
		netkit2_redirect_dev(skb, to, flags);
}
