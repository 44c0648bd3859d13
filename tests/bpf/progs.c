// SPDX-License-Identifier: GPL-2.0
/*
 * Test programs for netkit2: one verdict each. netkit2's verdicts are
 * the tc ones: -1 next, 0 pass, 2 drop, 7 redirect.
 */
#include <stdbool.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define NK_NEXT		-1
#define NK_PASS		0
#define NK_DROP		2

SEC("tc")
int nk_pass(struct __sk_buff *skb)
{
	return NK_PASS;
}

SEC("tc")
int nk_drop(struct __sk_buff *skb)
{
	return NK_DROP;
}

SEC("tc")
int nk_next(struct __sk_buff *skb)
{
	return NK_NEXT;
}

/* Marks the packet and leaves the decision to the next program. */
SEC("tc")
int nk_mark(struct __sk_buff *skb)
{
	skb->mark = 0x2a;
	return NK_NEXT;
}

/* Drops only what an earlier program marked. */
SEC("tc")
int nk_drop_marked(struct __sk_buff *skb)
{
	return skb->mark == 0x2a ? NK_DROP : NK_PASS;
}

/*
 * Redirects to the loopback device of the peer's namespace (ifindex 1 in
 * every namespace), with the destination MAC rewritten to lo's (zero) so
 * that lo's stack takes the packet as its own.
 */
static __always_inline int nk_to_lo(struct __sk_buff *skb, __u64 flags)
{
	const __u8 zero[6] = {};

	if (bpf_skb_store_bytes(skb, 0, zero, sizeof(zero), 0))
		return NK_DROP;
	return bpf_redirect(1, flags);
}

SEC("tc")
int nk_redir_lo(struct __sk_buff *skb)
{
	return nk_to_lo(skb, 0);
}

SEC("tc")
int nk_redir_lo_ingress(struct __sk_buff *skb)
{
	return nk_to_lo(skb, BPF_F_INGRESS);
}

/* No device has this ifindex: the packet is dropped, and counted. */
SEC("tc")
int nk_redir_nowhere(struct __sk_buff *skb)
{
	return bpf_redirect(0x7ffffff0, 0);
}

/*
 * Redirect programs of tests/t_82_redirect.py. The devices they send to
 * are created there with these interface indexes and addresses, in the
 * namespace of the netkit2 peer (where a netkit2 program's targets are
 * looked up).
 */
#define NK_FWD_IFINDEX	120	/* veth to the remote namespace */
#define NK_TUN_IFINDEX	130	/* ipip device: no link-layer header */
#define NK_SELF_IFINDEX	140	/* the primary the program runs on */
#define NK_MISSING	0x7ffffff0

#define NK_AF_INET	2
#define NK_AF_INET6	10
#define NK_F_EGRESS	(1ULL << 1)	/* BPF_F_EGRESS, where the kernel has it */
#define NK_TC_SHOT	2

/* 10.78.0.N and fd00:78::N, the remote side of the veth. */
#define NK_REMOTE4(n)	bpf_htonl(0x0a4e0000 | (n))

static __always_inline bool nk_is_ip(const struct __sk_buff *skb)
{
	return skb->protocol == bpf_htons(ETH_P_IP) ||
	       skb->protocol == bpf_htons(ETH_P_IPV6);
}

static __always_inline void nk_nh6(struct bpf_redir_neigh *nh, __u32 n)
{
	nh->nh_family = NK_AF_INET6;
	nh->ipv6_nh[0] = bpf_htonl(0xfd000078);
	nh->ipv6_nh[1] = 0;
	nh->ipv6_nh[2] = 0;
	nh->ipv6_nh[3] = bpf_htonl(n);
}

/* bpf_redirect_neigh() to the remote side, each family to host N. */
static __always_inline int nk_neigh_to(struct __sk_buff *skb, __u32 n)
{
	struct bpf_redir_neigh nh = {};

	if (!nk_is_ip(skb))
		return NK_PASS;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		nh.nh_family = NK_AF_INET;
		nh.ipv4_nh = NK_REMOTE4(n);
	} else {
		nk_nh6(&nh, n);
	}
	return bpf_redirect_neigh(NK_FWD_IFINDEX, &nh, sizeof(nh), 0);
}

/* Route lookup and neighbour resolution in the peer's namespace. */
SEC("tc")
int nk_neigh(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect_neigh(NK_FWD_IFINDEX, NULL, 0, 0);
}

/* Next hop .3: a permanent neighbour entry with the remote's address. */
SEC("tc")
int nk_neigh_nh(struct __sk_buff *skb)
{
	return nk_neigh_to(skb, 3);
}

/* Next hop .2: the remote itself, resolved by ARP or ND. */
SEC("tc")
int nk_neigh_nh_resolve(struct __sk_buff *skb)
{
	return nk_neigh_to(skb, 2);
}

/* Next hop .4: nobody answers for it. */
SEC("tc")
int nk_neigh_nh_none(struct __sk_buff *skb)
{
	return nk_neigh_to(skb, 4);
}

/* IPv6 next hop fd00:78::3 for IPv4 packets too. */
SEC("tc")
int nk_neigh_nh6(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = {};

	if (!nk_is_ip(skb))
		return NK_PASS;
	nk_nh6(&nh, 3);
	return bpf_redirect_neigh(NK_FWD_IFINDEX, &nh, sizeof(nh), 0);
}

/* IPv4 next hop 10.78.0.3 for IPv6 packets too: those are dropped. */
SEC("tc")
int nk_neigh_nh4(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = {
		.nh_family = NK_AF_INET,
		.ipv4_nh = NK_REMOTE4(3),
	};

	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect_neigh(NK_FWD_IFINDEX, &nh, sizeof(nh), 0);
}

SEC("tc")
int nk_neigh_nowhere(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect_neigh(NK_MISSING, NULL, 0, 0);
}

SEC("tc")
int nk_redir_tun(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect(NK_TUN_IFINDEX, 0);
}

SEC("tc")
int nk_redir_tun_ingress(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect(NK_TUN_IFINDEX, BPF_F_INGRESS);
}

/* Every packet back into the device it leaves: a loop. */
SEC("tc")
int nk_redir_self(struct __sk_buff *skb)
{
	return bpf_redirect(NK_SELF_IFINDEX, 0);
}

/* Into the stack of the veth's peer: only valid at tc ingress. */
SEC("tc")
int nk_redir_peer(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect_peer(NK_FWD_IFINDEX, 0);
}

/*
 * Pod to pod through two pairs (t_82_redirect.py's t_peer_pairs): each
 * pod's device sends IP straight into the other pod with
 * bpf_redirect_peer() to that pod's pair's primary. The packets into B
 * carry mark 42, which B's namespace refuses unless it was scrubbed on
 * the way.
 */
#define NK_POD_A_IFINDEX	150	/* primary of pod A's pair */
#define NK_POD_B_IFINDEX	160	/* primary of pod B's pair */

SEC("tc")
int nk_peer_to_a(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	return bpf_redirect_peer(NK_POD_A_IFINDEX, 0);
}

SEC("tc")
int nk_peer_to_b(struct __sk_buff *skb)
{
	if (!nk_is_ip(skb))
		return NK_PASS;
	skb->mark = 42;
	return bpf_redirect_peer(NK_POD_B_IFINDEX, 0);
}

/*
 * Out of the veth's peer, so that the veth receives the packet: addressed
 * to the veth's MAC. A kernel without BPF_F_EGRESS for this helper
 * refuses it (TC_ACT_SHOT, a drop).
 */
SEC("tc")
int nk_redir_peer_egress(struct __sk_buff *skb)
{
	const __u8 mac[6] = { 0x02, 0, 0, 0, 0x01, 0x20 };

	if (!nk_is_ip(skb))
		return NK_PASS;
	if (bpf_skb_store_bytes(skb, 0, mac, sizeof(mac), 0))
		return NK_DROP;
	return bpf_redirect_peer(NK_FWD_IFINDEX, NK_F_EGRESS);
}

/*
 * pkt_type: the primary's program sees the packet as the peer's
 * (PACKET_HOST), marks it (first byte of the destination MAC) and makes it
 * PACKET_MULTICAST; tc ingress of the peer must see that type, restores
 * it and lets only marked packets in.
 */
SEC("tc")
int nk_pkt_type(struct __sk_buff *skb)
{
	struct ethhdr eth;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_NEXT;
	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)))
		return NK_DROP;
	if (skb->pkt_type != PACKET_HOST || eth.h_proto != bpf_htons(ETH_P_IP))
		return NK_DROP;
	eth.h_dest[0] = 4;
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0))
		return NK_DROP;
	bpf_skb_change_type(skb, PACKET_MULTICAST);
	return NK_NEXT;
}

/* Attached by tc (to the peer's clsact ingress): a section of its own. */
SEC("classifier")
int nk_pkt_type_in(struct __sk_buff *skb)
{
	struct ethhdr eth;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)))
		return NK_TC_SHOT;
	if (eth.h_dest[0] != 4 || skb->pkt_type != PACKET_MULTICAST)
		return NK_TC_SHOT;
	bpf_skb_change_type(skb, PACKET_HOST);
	return NK_PASS;
}

/* Scrub: IPv4 passes only with (or only without) the sender's mark and
 * priority.
 */
#define NK_MARK		42
#define NK_PRIO		0xeb9f

SEC("tc")
int nk_want_marked(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	return skb->mark == NK_MARK && skb->priority == NK_PRIO ?
	       NK_PASS : NK_DROP;
}

SEC("tc")
int nk_want_scrubbed(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	return !skb->mark && !skb->priority ? NK_PASS : NK_DROP;
}

/* The room the device asks of senders, read from the device the program
 * runs on (the peer of the sender), with CO-RE against the running kernel:
 * IPv4 passes only when it is the pair's IFLA_NETKIT_HEADROOM/TAILROOM (or
 * none at all).
 */
#define NK_HEADROOM	32
#define NK_TAILROOM	8

struct sk_buff___nk2 {
	struct net_device___nk2 *dev;
} __attribute__((preserve_access_index));

struct net_device___nk2 {
	unsigned short needed_headroom;
	unsigned short needed_tailroom;
} __attribute__((preserve_access_index));

static __always_inline bool nk_room_is(struct __sk_buff *ctx, __u16 head,
				       __u16 tail)
{
	struct sk_buff___nk2 *skb = (void *)ctx;
	struct net_device___nk2 *dev = BPF_CORE_READ(skb, dev);

	return BPF_CORE_READ(dev, needed_headroom) == head &&
	       BPF_CORE_READ(dev, needed_tailroom) == tail;
}

SEC("tc")
int nk_want_room(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	return nk_room_is(skb, NK_HEADROOM, NK_TAILROOM) ? NK_PASS : NK_DROP;
}

SEC("tc")
int nk_want_no_room(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	return nk_room_is(skb, 0, 0) ? NK_PASS : NK_DROP;
}

/* Drops ICMP over IPv4 that carries an Ethernet header saying so, passes
 * the rest (ARP in particular, and IGMP reports).
 */
SEC("tc")
int nk_drop_ip_eth(struct __sk_buff *skb)
{
	struct ethhdr eth;
	__u8 proto;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return NK_PASS;
	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) ||
	    bpf_skb_load_bytes(skb, sizeof(eth) + 9, &proto, 1))
		return NK_PASS;
	return eth.h_proto == bpf_htons(ETH_P_IP) && proto == 1 ?
	       NK_DROP : NK_PASS;
}

/* Not a sched_cls program: netkit2 must refuse it. */
SEC("xdp")
int nk_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
