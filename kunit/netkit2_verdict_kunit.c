// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: KUnit suite of programs on the transmit path.
 *
 * netkit2_verdict   verdicts, chains, both sides, the frame a program
 *                   sees, redirects.
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>

#include "netkit2.h"
#include "netkit2_kunit.h"

static void nk2t_attach_to(struct kunit *test, struct net *net,
			   const char *ifname, struct bpf_prog *prog)
{
	struct net_device *dev;

	rtnl_lock();
	dev = nk2t_get(test, net, ifname);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, nk2t_attach(dev, prog, 0, 0, 0, 0, NULL), 0);
}

/*
 * The carrier event of a pair that just came up attaches its qdiscs from
 * the link watch work; until that has run, dev_queue_xmit() on either end
 * drops into noop_qdisc. Run the pending events now.
 */
static void nk2t_sync_carrier(struct kunit *test, const char *dev,
			      const char *peer)
{
	struct net_device *d, *p;

	rtnl_lock();
	d = nk2t_get(test, &init_net, dev);
	p = nk2t_get(test, &init_net, peer);
	linkwatch_sync_dev(d);
	linkwatch_sync_dev(p);
	KUNIT_EXPECT_FALSE(test, qdisc_tx_is_noop(d));
	KUNIT_EXPECT_FALSE(test, qdisc_tx_is_noop(p));
	rtnl_unlock();
}

/* A pair nk2v<n> / nk2v<n>p, both up, with a tap on the peer. */
static struct nk2t_tap *nk2t_vpair(struct kunit *test, const char *dev,
				   const char *peer, u8 *peer_mac)
{
	struct nk2t_tap *tap = nk2t_pair_tap(test, dev, peer, peer_mac);

	nk2t_sync_carrier(test, dev, peer);
	return tap;
}

/*
 * What becomes of one frame: delivered to the peer, dropped by the device
 * (and counted there), or sent on by a redirect that found no target (the
 * device counts it as sent, as upstream netkit does, and nothing arrives).
 */
enum nk2t_outcome {
	NK2T_DROPPED,
	NK2T_DELIVERED,
	NK2T_LOST,
};

/* One frame from @ifname, and the @want outcome for it. */
static void nk2t_expect_verdict(struct kunit *test, const char *ifname,
				const u8 *mac, struct nk2t_tap *tap,
				enum nk2t_outcome want)
{
	bool dropped = want == NK2T_DROPPED;
	struct rtnl_link_stats64 st0, st;
	netdev_tx_t ret;

	nk2t_stats(test, &init_net, ifname, &st0);
	ret = nk2t_xmit(test, &init_net, ifname, mac);
	nk2t_stats(test, &init_net, ifname, &st);
	if (dropped)
		KUNIT_EXPECT_EQ(test, ret, NET_XMIT_DROP);
	else
		KUNIT_EXPECT_EQ(test, ret, NETDEV_TX_OK);
	if (want == NK2T_DELIVERED)
		KUNIT_EXPECT_TRUE(test, nk2t_tap_wait(tap, 2000));
	else
		KUNIT_EXPECT_FALSE(test, nk2t_tap_wait(tap, 100));
	/* Counted as dropped, or else as sent. */
	KUNIT_EXPECT_EQ(test, st.tx_packets, st0.tx_packets + !dropped);
	KUNIT_EXPECT_EQ(test, st.tx_dropped, st0.tx_dropped + dropped);
	reinit_completion(&tap->done);
	tap->count = 0;
}

struct nk2t_verdict_case {
	const char	*name;
	int		policy;
	unsigned int	n;
	int		verdict[3];	/* of the programs, in run order */
	enum nk2t_outcome outcome;
};

static const struct nk2t_verdict_case nk2t_verdict_cases[] = {
	{ "next", NETKIT2_PASS, 1, { NETKIT2_NEXT }, NK2T_DELIVERED },
	{ "pass", NETKIT2_PASS, 1, { NETKIT2_PASS }, NK2T_DELIVERED },
	{ "drop", NETKIT2_PASS, 1, { NETKIT2_DROP }, NK2T_DROPPED },
	{ "redirect without a target", NETKIT2_PASS, 1, { NETKIT2_REDIRECT },
	  NK2T_LOST },
	{ "unknown 1", NETKIT2_PASS, 1, { 1 }, NK2T_DROPPED },
	{ "unknown 3", NETKIT2_PASS, 1, { 3 }, NK2T_DROPPED },
	{ "unknown 42", NETKIT2_PASS, 1, { 42 }, NK2T_DROPPED },
	{ "unknown -2", NETKIT2_PASS, 1, { -2 }, NK2T_DROPPED },
	{ "next, drop", NETKIT2_PASS, 2, { NETKIT2_NEXT, NETKIT2_DROP },
	  NK2T_DROPPED },
	{ "pass, drop", NETKIT2_PASS, 2, { NETKIT2_PASS, NETKIT2_DROP }, NK2T_DELIVERED },
	{ "drop, pass", NETKIT2_PASS, 2, { NETKIT2_DROP, NETKIT2_PASS },
	  NK2T_DROPPED },
	{ "next, next, pass", NETKIT2_PASS, 3,
	  { NETKIT2_NEXT, NETKIT2_NEXT, NETKIT2_PASS }, NK2T_DELIVERED },
	{ "next, next, next", NETKIT2_PASS, 3,
	  { NETKIT2_NEXT, NETKIT2_NEXT, NETKIT2_NEXT }, NK2T_DELIVERED },
	{ "next, next, drop", NETKIT2_PASS, 3,
	  { NETKIT2_NEXT, NETKIT2_NEXT, NETKIT2_DROP }, NK2T_DROPPED },
	{ "next over blackhole", NETKIT2_DROP, 1, { NETKIT2_NEXT }, NK2T_DELIVERED },
	{ "pass over blackhole", NETKIT2_DROP, 1, { NETKIT2_PASS }, NK2T_DELIVERED },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_verdict, nk2t_verdict_cases, name);

static void netkit2_verdict_chain(struct kunit *test)
{
	const struct nk2t_verdict_case *c = test->param_value;
	struct rtnl_link_stats64 st;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];
	unsigned int i;

	tap = nk2t_vpair(test, "nk2v0", "nk2v0p", mac);
	if (c->policy != NETKIT2_PASS)
		nk2t_set_policy(test, "nk2v0", c->policy);
	for (i = 0; i < c->n; i++)
		nk2t_attach_to(test, &init_net, "nk2v0",
			       nk2t_prog_ret(test, c->verdict[i]));
	nk2t_expect_verdict(test, "nk2v0", mac, tap, c->outcome);
	nk2t_stats(test, &init_net, "nk2v0p", &st);
	KUNIT_EXPECT_EQ(test, st.rx_packets,
			c->outcome == NK2T_DELIVERED ? 1ULL : 0ULL);
}

/* Each side runs its own programs, on what it transmits. */
static void netkit2_verdict_sides(struct kunit *test)
{
	struct nk2t_tap *tap, *ptap;
	u8 mac[ETH_ALEN], pmac[ETH_ALEN];

	tap = nk2t_vpair(test, "nk2v1", "nk2v1p", mac);
	ptap = nk2t_tap_add(test, &init_net, "nk2v1");
	nk2t_mac_of(test, &init_net, "nk2v1", pmac);
	nk2t_attach_to(test, &init_net, "nk2v1p",
		       nk2t_prog_ret(test, NETKIT2_DROP));
	nk2t_expect_verdict(test, "nk2v1", mac, tap, NK2T_DELIVERED);
	nk2t_expect_verdict(test, "nk2v1p", pmac, ptap, NK2T_DROPPED);

	nk2t_attach_to(test, &init_net, "nk2v1",
		       nk2t_prog_ret(test, NETKIT2_DROP));
	nk2t_expect_verdict(test, "nk2v1", mac, tap, NK2T_DROPPED);
}

/* Without programs the policy decides again. */
static void netkit2_verdict_detach(struct kunit *test)
{
	struct net_device *dev;
	struct bpf_prog *prog;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	tap = nk2t_vpair(test, "nk2v2", "nk2v2p", mac);
	nk2t_set_policy(test, "nk2v2", NETKIT2_DROP);
	prog = nk2t_prog_ret(test, NETKIT2_PASS);
	nk2t_attach_to(test, &init_net, "nk2v2", prog);
	nk2t_expect_verdict(test, "nk2v2", mac, tap, NK2T_DELIVERED);

	rtnl_lock();
	dev = nk2t_get(test, &init_net, "nk2v2");
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, nk2t_detach(dev, prog, 0, 0, 0, 0), 0);
	nk2t_expect_verdict(test, "nk2v2", mac, tap, NK2T_DROPPED);
	nk2t_set_policy(test, "nk2v2", NETKIT2_PASS);
	nk2t_expect_verdict(test, "nk2v2", mac, tap, NK2T_DELIVERED);
}

/*
 * The program sees the frame from its Ethernet header: it passes frames
 * of EtherType NK2T_ETH_P and drops the others.
 */
static void netkit2_verdict_sees_frame(struct kunit *test)
{
	const struct bpf_insn insns[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1,
			    offsetof(struct __sk_buff, data)),
		BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1,
			    offsetof(struct __sk_buff, data_end)),
		BPF_MOV64_IMM(BPF_REG_0, NETKIT2_DROP),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, ETH_HLEN),
		BPF_JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 3),
		BPF_LDX_MEM(BPF_H, BPF_REG_4, BPF_REG_2,
			    offsetof(struct ethhdr, h_proto)),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_4,
			    (__force u16)htons(NK2T_ETH_P), 1),
		BPF_MOV64_IMM(BPF_REG_0, NETKIT2_PASS),
		BPF_EXIT_INSN(),
	};
	struct rtnl_link_stats64 st;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	tap = nk2t_vpair(test, "nk2v3", "nk2v3p", mac);
	nk2t_attach_to(test, &init_net, "nk2v3",
		       nk2t_prog_load(test, insns, ARRAY_SIZE(insns)));
	nk2t_expect_verdict(test, "nk2v3", mac, tap, NK2T_DELIVERED);

	KUNIT_EXPECT_EQ(test, nk2t_xmit_proto(test, &init_net, "nk2v3", mac,
					      NK2T_ETH_P + 1), NET_XMIT_DROP);
	nk2t_stats(test, &init_net, "nk2v3", &st);
	KUNIT_EXPECT_EQ(test, st.tx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.tx_dropped, 1ULL);
}

/* A program that calls bpf_redirect(@ifindex, @flags) and returns. */
static struct bpf_prog *nk2t_prog_redirect(struct kunit *test, int ifindex,
					   u32 flags)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, ifindex),
		BPF_MOV64_IMM(BPF_REG_2, flags),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect),
		BPF_EXIT_INSN(),
	};

	return nk2t_prog_load(test, insns, ARRAY_SIZE(insns));
}

static int nk2t_ifindex(struct kunit *test, const char *ifname)
{
	int ifindex;

	rtnl_lock();
	ifindex = nk2t_get(test, &init_net, ifname)->ifindex;
	rtnl_unlock();
	return ifindex;
}

/*
 * bpf_redirect(ifindex, 0) transmits on the target: the frame leaves
 * through the second pair; BPF_F_INGRESS makes the target receive it.
 * Neither reaches the first pair's peer.
 */
static void nk2t_redirect(struct kunit *test, bool ingress)
{
	struct rtnl_link_stats64 st;
	struct nk2t_tap *tap, *out;
	u8 mac[ETH_ALEN], omac[ETH_ALEN];

	tap = nk2t_vpair(test, "nk2v4", "nk2v4p", mac);
	out = nk2t_vpair(test, "nk2v5", "nk2v5p", omac);
	if (ingress)
		out = nk2t_tap_add(test, &init_net, "nk2v5");
	nk2t_attach_to(test, &init_net, "nk2v4",
		       nk2t_prog_redirect(test, nk2t_ifindex(test, "nk2v5"),
					  ingress ? BPF_F_INGRESS : 0));

	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, &init_net, "nk2v4", omac),
			NETDEV_TX_OK);
	KUNIT_ASSERT_TRUE(test, nk2t_tap_wait(out, 2000));
	KUNIT_EXPECT_STREQ(test, out->dev->name, ingress ? "nk2v5" : "nk2v5p");
	KUNIT_EXPECT_EQ(test, out->len, NK2T_PAYLOAD);
	KUNIT_EXPECT_TRUE(test, out->mac_at_eth);
	KUNIT_EXPECT_FALSE(test, nk2t_tap_wait(tap, 100));

	nk2t_stats(test, &init_net, "nk2v4", &st);
	KUNIT_EXPECT_EQ(test, st.tx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.tx_dropped, 0ULL);
	nk2t_stats(test, &init_net, "nk2v4p", &st);
	KUNIT_EXPECT_EQ(test, st.rx_packets, 0ULL);
	nk2t_stats(test, &init_net, "nk2v5", &st);
	KUNIT_EXPECT_EQ(test, st.tx_packets, ingress ? 0ULL : 1ULL);
}

static void netkit2_verdict_redirect_egress(struct kunit *test)
{
	nk2t_redirect(test, false);
}

static void netkit2_verdict_redirect_ingress(struct kunit *test)
{
	nk2t_redirect(test, true);
}

/* A target that does not exist: counted as sent, and lost. */
static void netkit2_verdict_redirect_missing(struct kunit *test)
{
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	tap = nk2t_vpair(test, "nk2v6", "nk2v6p", mac);
	nk2t_attach_to(test, &init_net, "nk2v6",
		       nk2t_prog_redirect(test, 0x7ffffff0, 0));
	nk2t_expect_verdict(test, "nk2v6", mac, tap, NK2T_LOST);
}

static struct kunit_case netkit2_verdict_cases[] = {
	KUNIT_CASE_PARAM(netkit2_verdict_chain, nk2t_verdict_gen_params),
	KUNIT_CASE(netkit2_verdict_sides),
	KUNIT_CASE(netkit2_verdict_detach),
	KUNIT_CASE(netkit2_verdict_sees_frame),
	KUNIT_CASE(netkit2_verdict_redirect_egress),
	KUNIT_CASE(netkit2_verdict_redirect_ingress),
	KUNIT_CASE(netkit2_verdict_redirect_missing),
	{}
};

NK2T_SUITE(netkit2_verdict);

kunit_test_suites(&netkit2_verdict_suite);
