// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: KUnit suites of the rtnetlink side.
 *
 * netkit2_policy     the link ops' attribute policy and ->validate,
 *                    driven directly with hand-built attributes.
 * netkit2_newlink    RTM_NEWLINK / RTM_DELLINK requests sent through a
 *                    kernel NETLINK_ROUTE socket: the whole rtnetlink
 *                    path (policy, ->validate, ->newlink, ->changelink)
 *                    with the error and extack message a user would get.
 * netkit2_changelink ->changelink called directly on devices, and the
 *                    same requests through rtnetlink.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#include "netkit2.h"
#include "netkit2_kunit.h"

/* Send @req; expect errno_ and the extack message @text for it. */
#define NK2T_EXPECT_ERR(test, req, errno_, text) do {			\
	struct kunit *__test = (test);					\
	struct nk2t_ctx *__ctx = __test->priv;				\
	KUNIT_EXPECT_EQ(__test, nk2t_req_send(__test, req), -(errno_));	\
	KUNIT_EXPECT_STREQ(__test, __ctx->msg, text);			\
} while (0)

/*
 * An skb of @size bytes holding an open IFLA_INFO_DATA nest, as
 * rtnetlink hands it to the link ops; freed when the test ends.
 */
static struct nlattr *nk2t_data_nest(struct kunit *test, unsigned int size,
				     struct sk_buff **skbp)
{
	struct nlattr *nest;

	*skbp = nk2t_alloc_skb(test, size);
	nest = nla_nest_start(*skbp, IFLA_INFO_DATA);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	return nest;
}

/* --- netkit2_policy: the attribute policy and ->validate ------------- */

struct nk2t_attr_case {
	const char	*name;
	int		type;
	int		len;		/* 1, 2 or 4 */
	u32		val;
	int		err;
	const char	*msg;
};

static const struct nk2t_attr_case nk2t_attr_cases[] = {
	{ "primary is read-only", IFLA_NETKIT2_PRIMARY, 1, 1,
	  -EINVAL, "Primary attribute is read-only" },
	{ "mode l2", IFLA_NETKIT2_MODE, 4, NETKIT2_L2, 0, NULL },
	{ "mode l3", IFLA_NETKIT2_MODE, 4, NETKIT2_L3, 0, NULL },
	{ "mode out of range", IFLA_NETKIT2_MODE, 4, NETKIT2_L3 + 1,
	  -ERANGE, "integer out of range" },
	{ "scrub none", IFLA_NETKIT2_SCRUB, 4, NETKIT2_SCRUB_NONE, 0, NULL },
	{ "scrub out of range", IFLA_NETKIT2_SCRUB, 4,
	  NETKIT2_SCRUB_DEFAULT + 1, -ERANGE, "integer out of range" },
	{ "peer scrub out of range", IFLA_NETKIT2_PEER_SCRUB, 4,
	  NETKIT2_SCRUB_DEFAULT + 1, -ERANGE, "integer out of range" },
	{ "pairing single", IFLA_NETKIT2_PAIRING, 4, NETKIT2_DEVICE_SINGLE,
	  0, NULL },
	{ "pairing out of range", IFLA_NETKIT2_PAIRING, 4,
	  NETKIT2_DEVICE_SINGLE + 1, -ERANGE, "integer out of range" },
	/* POLICY values are checked by newlink/changelink, not the policy. */
	{ "policy any u32", IFLA_NETKIT2_POLICY, 4, 5, 0, NULL },
	{ "policy too short", IFLA_NETKIT2_POLICY, 2, 0, -ERANGE, NULL },
	{ "headroom u16", IFLA_NETKIT2_HEADROOM, 2, 64, 0, NULL },
	{ "tailroom u16", IFLA_NETKIT2_TAILROOM, 2, 64, 0, NULL },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_attr, nk2t_attr_cases, name);

static void netkit2_policy_attr(struct kunit *test)
{
	const struct nk2t_attr_case *c = test->param_value;
	struct nlattr *data[IFLA_NETKIT2_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct sk_buff *skb;
	struct nlattr *nest;
	int err;

	nest = nk2t_data_nest(test, 256, &skb);
	switch (c->len) {
	case 1:
		err = nla_put_u8(skb, c->type, c->val);
		break;
	case 2:
		err = nla_put_u16(skb, c->type, c->val);
		break;
	default:
		err = nla_put_u32(skb, c->type, c->val);
		break;
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	nla_nest_end(skb, nest);

	KUNIT_ASSERT_EQ(test, netkit2_link_ops.maxtype, IFLA_NETKIT2_MAX);
	/* As rtnetlink parses IFLA_INFO_DATA. */
	err = nla_parse_nested_deprecated(data, netkit2_link_ops.maxtype, nest,
					  netkit2_link_ops.policy, &extack);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->msg)
		KUNIT_EXPECT_STREQ(test, extack._msg, c->msg);
	if (c->err)
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
				    (const struct nlattr *)nla_data(nest));
	else
		KUNIT_EXPECT_PTR_EQ(test, data[c->type],
				    (struct nlattr *)nla_data(nest));
}

struct nk2t_validate_case {
	const char	*name;
	int		type;		/* IFLA_* */
	int		len;
	u8		bytes[ETH_ALEN];
	u32		val;
	int		err;
	const char	*msg;
};

static const struct nk2t_validate_case nk2t_validate_cases[] = {
	{ "no attributes", 0, 0, {}, 0, 0, NULL },
	{ "unicast address", IFLA_ADDRESS, ETH_ALEN,
	  { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, 0, 0, NULL },
	{ "short address", IFLA_ADDRESS, 4, { 0x02, 0x11, 0x22, 0x33 }, 0,
	  -EINVAL, "Link address must be an Ethernet address" },
	{ "multicast address", IFLA_ADDRESS, ETH_ALEN,
	  { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0,
	  -EADDRNOTAVAIL, "Link address must be a valid unicast address" },
	{ "zero address", IFLA_ADDRESS, ETH_ALEN, {}, 0,
	  -EADDRNOTAVAIL, "Link address must be a valid unicast address" },
	{ "one tx queue", IFLA_NUM_TX_QUEUES, 4, {}, 1, 0, NULL },
	{ "two tx queues", IFLA_NUM_TX_QUEUES, 4, {}, 2,
	  -EOPNOTSUPP, "netkit2 supports a single tx queue" },
	{ "1024 rx queues", IFLA_NUM_RX_QUEUES, 4, {},
	  NETKIT2_NUM_RX_QUEUES_MAX, 0, NULL },
	{ "1025 rx queues", IFLA_NUM_RX_QUEUES, 4, {},
	  NETKIT2_NUM_RX_QUEUES_MAX + 1,
	  -EOPNOTSUPP, "netkit2 supports at most 1024 rx queues" },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_validate, nk2t_validate_cases, name);

static void netkit2_policy_validate(struct kunit *test)
{
	const struct nk2t_validate_case *c = test->param_value;
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct nlattr *data[IFLA_NETKIT2_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct nlattr *attr;

	attr = kunit_kzalloc(test, nla_total_size(ETH_ALEN), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, attr);
	if (c->type) {
		attr->nla_type = c->type;
		attr->nla_len = nla_attr_size(c->len);
		if (c->type == IFLA_ADDRESS)
			memcpy(nla_data(attr), c->bytes, c->len);
		else
			memcpy(nla_data(attr), &c->val, sizeof(c->val));
		tb[c->type] = attr;
	}

	KUNIT_EXPECT_EQ(test, netkit2_link_ops.validate(tb, data, &extack),
			c->err);
	if (c->msg) {
		KUNIT_EXPECT_STREQ(test, extack._msg, c->msg);
		KUNIT_EXPECT_PTR_EQ(test, extack.bad_attr,
				    (const struct nlattr *)attr);
	} else {
		KUNIT_EXPECT_NULL(test, extack._msg);
	}
}

static void netkit2_policy_ops(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, netkit2_link_ops.kind, NETKIT2_KIND);
	KUNIT_EXPECT_EQ(test, netkit2_link_ops.priv_size,
			sizeof(struct netkit2));
	KUNIT_EXPECT_NOT_NULL(test, netkit2_link_ops.newlink);
	KUNIT_EXPECT_NOT_NULL(test, netkit2_link_ops.changelink);
	KUNIT_EXPECT_NOT_NULL(test, netkit2_link_ops.dellink);
	KUNIT_EXPECT_NOT_NULL(test, netkit2_link_ops.validate);
}

static struct kunit_case netkit2_policy_cases[] = {
	KUNIT_CASE(netkit2_policy_ops),
	KUNIT_CASE_PARAM(netkit2_policy_attr, nk2t_attr_gen_params),
	KUNIT_CASE_PARAM(netkit2_policy_validate, nk2t_validate_gen_params),
	{}
};

static struct kunit_suite netkit2_policy_suite = {
	.name = "netkit2_policy",
	.test_cases = netkit2_policy_cases,
};

/* --- netkit2_newlink: requests through rtnetlink --------------------- */

static const u8 nk2t_mac[ETH_ALEN] = { 0x02, 0x4e, 0x4b, 0x32, 0x00, 0x01 };
static const u8 nk2t_mac_peer[ETH_ALEN] = { 0x02, 0x4e, 0x4b, 0x32, 0x00, 0x02 };

#define NK2T_MSG_L2_ADDR	"netkit link address can only be set in L2 mode"
#define NK2T_MSG_SINGLE		"netkit single device mode takes no peer, scrub or non-forward policy"
#define NK2T_MSG_POLICY		"Provided default xmit policy not supported"

/* A rejected request must leave nothing behind. */
static void nk2t_expect_gone(struct kunit *test, const char *a, const char *b)
{
	KUNIT_EXPECT_FALSE_MSG(test, nk2t_exists(&init_net, a), "%s left", a);
	if (b)
		KUNIT_EXPECT_FALSE_MSG(test, nk2t_exists(&init_net, b),
				       "%s left", b);
}

/*
 * Send @req, which makes the pair @ifname / @peer_name, and find both
 * ends; RTNL is held on return. Without either the test ends.
 */
static void nk2t_send_pair(struct kunit *test, struct nk2t_req *req,
			   const char *ifname, const char *peer_name,
			   struct net_device **dev, struct net_device **peer)
{
	nk2t_cleanup(test, ifname);
	KUNIT_ASSERT_EQ(test, nk2t_req_send(test, req), 0);

	rtnl_lock();
	*dev = __dev_get_by_name(&init_net, ifname);
	*peer = __dev_get_by_name(&init_net, peer_name);
	if (!*dev || !*peer) {
		rtnl_unlock();
		KUNIT_FAIL_AND_ABORT(test, "pair not created");
	}
}

static void netkit2_newlink_defaults(struct kunit *test)
{
	struct nk2t_req *req = nk2t_newlink(test, "nk2n0");
	struct net_device *dev, *peer;
	struct netkit2 *nk, *nkp;

	nk2t_put_peer(test, req, "nk2n0p", NULL);
	nk2t_send_pair(test, req, "nk2n0", "nk2n0p", &dev, &peer);
	nk = netkit2_priv(dev);
	nkp = netkit2_priv(peer);
	KUNIT_EXPECT_TRUE(test, netkit2_is_netkit2(dev));
	KUNIT_EXPECT_TRUE(test, netkit2_is_netkit2(peer));
	KUNIT_EXPECT_PTR_EQ(test, dev->rtnl_link_ops,
			    (const struct rtnl_link_ops *)&netkit2_link_ops);
	KUNIT_EXPECT_TRUE(test, nk->primary);
	KUNIT_EXPECT_FALSE(test, nkp->primary);
	/* The defaults of netkit: L3, pair, forward, scrub. */
	KUNIT_EXPECT_EQ(test, nk->mode, NETKIT2_L3);
	KUNIT_EXPECT_EQ(test, nkp->mode, NETKIT2_L3);
	KUNIT_EXPECT_EQ(test, nk->pairing, NETKIT2_DEVICE_PAIR);
	KUNIT_EXPECT_EQ(test, nk->policy, NETKIT2_PASS);
	KUNIT_EXPECT_EQ(test, nkp->policy, NETKIT2_PASS);
	KUNIT_EXPECT_EQ(test, nk->scrub, NETKIT2_SCRUB_DEFAULT);
	KUNIT_EXPECT_EQ(test, nkp->scrub, NETKIT2_SCRUB_DEFAULT);
	KUNIT_EXPECT_TRUE(test, dev->flags & IFF_NOARP);
	KUNIT_EXPECT_TRUE(test, peer->flags & IFF_NOARP);
	KUNIT_EXPECT_TRUE(test, is_zero_ether_addr(dev->dev_addr));
	KUNIT_EXPECT_EQ(test, dev->real_num_rx_queues, 1U);
	KUNIT_EXPECT_EQ(test, dev->real_num_tx_queues, 1U);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(dev));
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(peer));
	rtnl_unlock();
}

static void netkit2_newlink_l2_addresses(struct kunit *test)
{
	struct nk2t_req *req = nk2t_newlink(test, "nk2n1");
	struct net_device *dev, *peer;

	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, NETKIT2_L2);
	nk2t_put_u32(test, req, IFLA_NETKIT2_POLICY, NETKIT2_DROP);
	nk2t_put_u32(test, req, IFLA_NETKIT2_PEER_POLICY, NETKIT2_DROP);
	KUNIT_ASSERT_EQ(test, 0, nla_put_u16(req->skb, IFLA_NETKIT2_HEADROOM,
					     96));
	KUNIT_ASSERT_EQ(test, 0, nla_put_u16(req->skb, IFLA_NETKIT2_TAILROOM,
					     32));
	nk2t_put_peer(test, req, "nk2n1p", nk2t_mac_peer);
	nla_nest_end(req->skb, req->data);
	nla_nest_end(req->skb, req->linkinfo);
	req->data = NULL;
	req->linkinfo = NULL;
	KUNIT_ASSERT_EQ(test, 0, nla_put(req->skb, IFLA_ADDRESS, ETH_ALEN,
					 nk2t_mac));
	nk2t_send_pair(test, req, "nk2n1", "nk2n1p", &dev, &peer);
	KUNIT_EXPECT_MEMEQ(test, dev->dev_addr, nk2t_mac, ETH_ALEN);
	KUNIT_EXPECT_MEMEQ(test, peer->dev_addr, nk2t_mac_peer, ETH_ALEN);
	KUNIT_EXPECT_FALSE(test, dev->flags & IFF_NOARP);
	KUNIT_EXPECT_FALSE(test, peer->flags & IFF_NOARP);
	KUNIT_EXPECT_EQ(test, netkit2_priv(dev)->mode, NETKIT2_L2);
	KUNIT_EXPECT_EQ(test, netkit2_priv(dev)->policy, NETKIT2_DROP);
	KUNIT_EXPECT_EQ(test, netkit2_priv(peer)->policy, NETKIT2_DROP);
	KUNIT_EXPECT_EQ(test, dev->needed_headroom, 96);
	KUNIT_EXPECT_EQ(test, peer->needed_headroom, 96);
	KUNIT_EXPECT_EQ(test, dev->needed_tailroom, 32);
	KUNIT_EXPECT_EQ(test, peer->needed_tailroom, 32);
	rtnl_unlock();
}

static void netkit2_newlink_l2_random_addresses(struct kunit *test)
{
	struct nk2t_req *req = nk2t_newlink(test, "nk2n2");
	struct net_device *dev, *peer;

	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, NETKIT2_L2);
	nk2t_put_peer(test, req, "nk2n2p", NULL);
	nk2t_send_pair(test, req, "nk2n2", "nk2n2p", &dev, &peer);
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(dev->dev_addr));
	KUNIT_EXPECT_TRUE(test, is_valid_ether_addr(peer->dev_addr));
	KUNIT_EXPECT_FALSE(test, ether_addr_equal(dev->dev_addr,
						  peer->dev_addr));
	KUNIT_EXPECT_EQ(test, dev->addr_assign_type, NET_ADDR_RANDOM);
	rtnl_unlock();
}

static void netkit2_newlink_l3_address(struct kunit *test)
{
	struct nk2t_req *req = nk2t_req_new(test, RTM_NEWLINK,
					    NLM_F_CREATE | NLM_F_EXCL,
					    "nk2e0", 0);

	KUNIT_ASSERT_EQ(test, 0, nla_put(req->skb, IFLA_ADDRESS, ETH_ALEN,
					 nk2t_mac));
	nk2t_req_data(test, req);
	nk2t_put_peer(test, req, "nk2e0p", NULL);
	nk2t_cleanup(test, "nk2e0");
	NK2T_EXPECT_ERR(test, req, EOPNOTSUPP, NK2T_MSG_L2_ADDR);
	nk2t_expect_gone(test, "nk2e0", "nk2e0p");

	/* The same for an address given to the peer only. */
	req = nk2t_newlink(test, "nk2e0");
	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, NETKIT2_L3);
	nk2t_put_peer(test, req, "nk2e0p", nk2t_mac_peer);
	NK2T_EXPECT_ERR(test, req, EOPNOTSUPP, NK2T_MSG_L2_ADDR);
	nk2t_expect_gone(test, "nk2e0", "nk2e0p");
}

static void netkit2_newlink_bad_peer_address(struct kunit *test)
{
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct nk2t_req *req = nk2t_newlink(test, "nk2e1");

	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, NETKIT2_L2);
	nk2t_put_peer(test, req, "nk2e1p", mcast);
	nk2t_cleanup(test, "nk2e1");
	NK2T_EXPECT_ERR(test, req, EADDRNOTAVAIL,
			"Link address must be a valid unicast address");
	nk2t_expect_gone(test, "nk2e1", "nk2e1p");
}

/* Single mode: which attributes it refuses, one at a time. */
struct nk2t_single_case {
	const char	*name;
	int		type;
	u32		val;
	int		err;
};

static const struct nk2t_single_case nk2t_single_cases[] = {
	{ "peer info", IFLA_NETKIT2_PEER_INFO, 0, -EOPNOTSUPP },
	{ "scrub", IFLA_NETKIT2_SCRUB, NETKIT2_SCRUB_DEFAULT, -EOPNOTSUPP },
	{ "scrub none", IFLA_NETKIT2_SCRUB, NETKIT2_SCRUB_NONE, -EOPNOTSUPP },
	{ "peer scrub", IFLA_NETKIT2_PEER_SCRUB, NETKIT2_SCRUB_NONE,
	  -EOPNOTSUPP },
	{ "peer policy", IFLA_NETKIT2_PEER_POLICY, NETKIT2_PASS, -EOPNOTSUPP },
	{ "policy drop", IFLA_NETKIT2_POLICY, NETKIT2_DROP, -EOPNOTSUPP },
	{ "policy pass", IFLA_NETKIT2_POLICY, NETKIT2_PASS, 0 },
	{ "mode l2", IFLA_NETKIT2_MODE, NETKIT2_L2, 0 },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_single, nk2t_single_cases, name);

static void netkit2_newlink_single(struct kunit *test)
{
	const struct nk2t_single_case *c = test->param_value;
	struct nk2t_ctx *ctx = test->priv;
	struct nk2t_req *req = nk2t_newlink(test, "nk2s0");
	struct net_device *dev;
	int err;

	nk2t_put_u32(test, req, IFLA_NETKIT2_PAIRING, NETKIT2_DEVICE_SINGLE);
	if (c->type == IFLA_NETKIT2_PEER_INFO)
		nk2t_put_peer(test, req, "nk2s0p", NULL);
	else
		nk2t_put_u32(test, req, c->type, c->val);
	nk2t_cleanup(test, "nk2s0");
	err = nk2t_req_send(test, req);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->err) {
		KUNIT_EXPECT_STREQ(test, ctx->msg, NK2T_MSG_SINGLE);
		nk2t_expect_gone(test, "nk2s0", "nk2s0p");
		return;
	}
	rtnl_lock();
	dev = __dev_get_by_name(&init_net, "nk2s0");
	KUNIT_EXPECT_NOT_NULL(test, dev);
	if (dev) {
		KUNIT_EXPECT_EQ(test, netkit2_priv(dev)->pairing,
				NETKIT2_DEVICE_SINGLE);
		KUNIT_EXPECT_NULL(test, rtnl_dereference(netkit2_priv(dev)->peer));
		KUNIT_EXPECT_TRUE(test, netkit2_priv(dev)->primary);
	}
	rtnl_unlock();
}

/* Errors found by the policy and by newlink, as rtnetlink reports them. */
struct nk2t_reject_case {
	const char	*name;
	int		type;
	u32		val;
	int		err;
	const char	*msg;
};

static const struct nk2t_reject_case nk2t_reject_cases[] = {
	{ "primary", IFLA_NETKIT2_PRIMARY, 1, -EINVAL,
	  "Primary attribute is read-only" },
	{ "mode 2", IFLA_NETKIT2_MODE, 2, -ERANGE, "integer out of range" },
	{ "scrub 2", IFLA_NETKIT2_SCRUB, 2, -ERANGE, "integer out of range" },
	{ "peer scrub 2", IFLA_NETKIT2_PEER_SCRUB, 2, -ERANGE,
	  "integer out of range" },
	{ "pairing 2", IFLA_NETKIT2_PAIRING, 2, -ERANGE,
	  "integer out of range" },
	{ "policy redirect", IFLA_NETKIT2_POLICY, NETKIT2_REDIRECT, -EINVAL,
	  NK2T_MSG_POLICY },
	{ "policy next", IFLA_NETKIT2_POLICY, (u32)NETKIT2_NEXT, -EINVAL,
	  NK2T_MSG_POLICY },
	{ "policy 1", IFLA_NETKIT2_POLICY, 1, -EINVAL, NK2T_MSG_POLICY },
	{ "peer policy redirect", IFLA_NETKIT2_PEER_POLICY, NETKIT2_REDIRECT,
	  -EINVAL, NK2T_MSG_POLICY },
	{ "peer policy 3", IFLA_NETKIT2_PEER_POLICY, 3, -EINVAL,
	  NK2T_MSG_POLICY },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_reject, nk2t_reject_cases, name);

static void netkit2_newlink_reject(struct kunit *test)
{
	const struct nk2t_reject_case *c = test->param_value;
	struct nk2t_req *req = nk2t_newlink(test, "nk2r0");

	if (c->type == IFLA_NETKIT2_PRIMARY)
		KUNIT_ASSERT_EQ(test, 0, nla_put_u8(req->skb, c->type, c->val));
	else
		nk2t_put_u32(test, req, c->type, c->val);
	nk2t_put_peer(test, req, "nk2r0p", NULL);
	nk2t_cleanup(test, "nk2r0");
	NK2T_EXPECT_ERR(test, req, -c->err, c->msg);
	nk2t_expect_gone(test, "nk2r0", "nk2r0p");
}

static void netkit2_newlink_queues(struct kunit *test)
{
	struct nk2t_req *req = nk2t_newlink(test, "nk2q0");
	struct net_device *dev;

	/* Attributes of the link itself go before IFLA_LINKINFO. */
	nla_nest_end(req->skb, req->data);
	nla_nest_end(req->skb, req->linkinfo);
	req->data = NULL;
	req->linkinfo = NULL;
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(req->skb, IFLA_NUM_TX_QUEUES, 2));
	nk2t_cleanup(test, "nk2q0");
	NK2T_EXPECT_ERR(test, req, EOPNOTSUPP,
			"netkit2 supports a single tx queue");
	nk2t_expect_gone(test, "nk2q0", NULL);

	req = nk2t_req_new(test, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			   "nk2q0", 0);
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(req->skb, IFLA_NUM_RX_QUEUES, 8));
	nk2t_req_data(test, req);
	nk2t_put_u32(test, req, IFLA_NETKIT2_PAIRING, NETKIT2_DEVICE_SINGLE);
	KUNIT_ASSERT_EQ(test, nk2t_req_send(test, req), 0);
	rtnl_lock();
	dev = __dev_get_by_name(&init_net, "nk2q0");
	KUNIT_EXPECT_NOT_NULL(test, dev);
	if (dev) {
		/* Allocated for leasing, one in use. */
		KUNIT_EXPECT_EQ(test, dev->num_rx_queues, 8U);
		KUNIT_EXPECT_EQ(test, dev->real_num_rx_queues, 1U);
	}
	rtnl_unlock();
}

static void netkit2_newlink_duplicate_peer_name(struct kunit *test)
{
	struct nk2t_req *req;

	nk2t_create_pair(test, "nk2d0", "nk2d0p", NETKIT2_L3);
	/* The peer's name is taken: nothing of the new pair may remain. */
	req = nk2t_newlink(test, "nk2d1");
	nk2t_put_peer(test, req, "nk2d0p", NULL);
	nk2t_cleanup(test, "nk2d1");
	KUNIT_EXPECT_EQ(test, nk2t_req_send(test, req), -EEXIST);
	nk2t_expect_gone(test, "nk2d1", NULL);
	KUNIT_EXPECT_TRUE(test, nk2t_exists(&init_net, "nk2d0"));
	KUNIT_EXPECT_TRUE(test, nk2t_exists(&init_net, "nk2d0p"));
}

static struct kunit_case netkit2_newlink_cases[] = {
	KUNIT_CASE(netkit2_newlink_defaults),
	KUNIT_CASE(netkit2_newlink_l2_addresses),
	KUNIT_CASE(netkit2_newlink_l2_random_addresses),
	KUNIT_CASE(netkit2_newlink_l3_address),
	KUNIT_CASE(netkit2_newlink_bad_peer_address),
	KUNIT_CASE_PARAM(netkit2_newlink_single, nk2t_single_gen_params),
	KUNIT_CASE_PARAM(netkit2_newlink_reject, nk2t_reject_gen_params),
	KUNIT_CASE(netkit2_newlink_queues),
	KUNIT_CASE(netkit2_newlink_duplicate_peer_name),
	{}
};

NK2T_SUITE(netkit2_newlink);

/* --- netkit2_changelink: ->changelink on live devices ----------------- */

#define NK2T_FIXED(what) \
	"netkit link " what " cannot be changed after device creation"

struct nk2t_cl_attr {
	int	type;
	u32	val;
};

struct nk2t_cl_case {
	const char		*name;
	bool			single;
	bool			on_peer;
	struct nk2t_cl_attr	attrs[2];
	int			err;
	const char		*msg;
	enum netkit2_action	policy, peer_policy;	/* afterwards */
};

static const struct nk2t_cl_case nk2t_cl_cases[] = {
	{ "nothing", .attrs = {}, .err = 0 },
	{ "mode", .attrs = { { IFLA_NETKIT2_MODE, NETKIT2_L3 } },
	  .err = -EACCES, .msg = NK2T_FIXED("operating mode") },
	{ "scrub", .attrs = { { IFLA_NETKIT2_SCRUB, NETKIT2_SCRUB_NONE } },
	  .err = -EACCES, .msg = NK2T_FIXED("scrubbing") },
	{ "peer scrub",
	  .attrs = { { IFLA_NETKIT2_PEER_SCRUB, NETKIT2_SCRUB_NONE } },
	  .err = -EACCES, .msg = NK2T_FIXED("peer scrubbing") },
	{ "peer info", .attrs = { { IFLA_NETKIT2_PEER_INFO, 0 } },
	  .err = -EACCES, .msg = NK2T_FIXED("peer info") },
	{ "headroom", .attrs = { { IFLA_NETKIT2_HEADROOM, 0 } },
	  .err = -EACCES, .msg = NK2T_FIXED("headroom") },
	{ "tailroom", .attrs = { { IFLA_NETKIT2_TAILROOM, 0 } },
	  .err = -EACCES, .msg = NK2T_FIXED("tailroom") },
	{ "pairing", .attrs = { { IFLA_NETKIT2_PAIRING, NETKIT2_DEVICE_PAIR } },
	  .err = -EACCES, .msg = NK2T_FIXED("pairing") },
	{ "fixed before policy",
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_DROP },
		     { IFLA_NETKIT2_TAILROOM, 0 } },
	  .err = -EACCES, .msg = NK2T_FIXED("tailroom") },
	{ "on the peer", .on_peer = true,
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_DROP } },
	  .err = -EACCES,
	  .msg = "netkit link settings can be changed only through the primary device" },
	{ "policies",
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_DROP },
		     { IFLA_NETKIT2_PEER_POLICY, NETKIT2_DROP } },
	  .err = 0, .policy = NETKIT2_DROP, .peer_policy = NETKIT2_DROP },
	{ "peer policy only",
	  .attrs = { { IFLA_NETKIT2_PEER_POLICY, NETKIT2_DROP } },
	  .err = 0, .policy = NETKIT2_PASS, .peer_policy = NETKIT2_DROP },
	{ "bad policy",
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_REDIRECT } },
	  .err = -EINVAL, .msg = NK2T_MSG_POLICY },
	{ "bad peer policy changes nothing",
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_DROP },
		     { IFLA_NETKIT2_PEER_POLICY, NETKIT2_NEXT } },
	  .err = -EINVAL, .msg = NK2T_MSG_POLICY },
	{ "single policy", .single = true,
	  .attrs = { { IFLA_NETKIT2_POLICY, NETKIT2_PASS } },
	  .err = -EOPNOTSUPP,
	  .msg = "netkit single device mode has a fixed forward policy" },
	{ "single peer policy", .single = true,
	  .attrs = { { IFLA_NETKIT2_PEER_POLICY, NETKIT2_PASS } },
	  .err = -EOPNOTSUPP, .msg = "netkit device has no peer" },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_cl, nk2t_cl_cases, name);

static void netkit2_changelink_direct(struct kunit *test)
{
	const struct nk2t_cl_case *c = test->param_value;
	struct nlattr *data[IFLA_NETKIT2_MAX + 1];
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct netlink_ext_ack extack = {};
	struct net_device *dev, *target, *peer;
	struct sk_buff *skb;
	struct nlattr *nest;
	int i, err;

	nk2t_create_pair(test, "nk2c0", c->single ? NULL : "nk2c0p",
			 NETKIT2_L3);

	nest = nk2t_data_nest(test, 512, &skb);
	for (i = 0; i < ARRAY_SIZE(c->attrs) && c->attrs[i].type; i++) {
		switch (c->attrs[i].type) {
		case IFLA_NETKIT2_PEER_INFO: {
			struct nlattr *pi = nla_nest_start(skb, c->attrs[i].type);

			skb_put_zero(skb, sizeof(struct ifinfomsg));
			nla_nest_end(skb, pi);
			break;
		}
		case IFLA_NETKIT2_HEADROOM:
		case IFLA_NETKIT2_TAILROOM:
			KUNIT_ASSERT_EQ(test, 0, nla_put_u16(skb, c->attrs[i].type,
							     c->attrs[i].val));
			break;
		default:
			KUNIT_ASSERT_EQ(test, 0, nla_put_u32(skb, c->attrs[i].type,
							     c->attrs[i].val));
		}
	}
	nla_nest_end(skb, nest);
	err = nla_parse_nested_deprecated(data, IFLA_NETKIT2_MAX, nest,
					  netkit2_link_ops.policy, NULL);
	KUNIT_ASSERT_EQ(test, 0, err);

	rtnl_lock();
	dev = __dev_get_by_name(&init_net, "nk2c0");
	if (!dev) {
		rtnl_unlock();
		KUNIT_FAIL_AND_ABORT(test, "nk2c0 not created");
	}
	peer = rtnl_dereference(netkit2_priv(dev)->peer);
	target = c->on_peer ? peer : dev;
	err = netkit2_link_ops.changelink(target, tb,
					  i ? data : NULL, &extack);
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->msg)
		KUNIT_EXPECT_STREQ(test, extack._msg, c->msg);
	else
		KUNIT_EXPECT_NULL(test, extack._msg);
	/* Rejected or not, the policies are what the case says. */
	KUNIT_EXPECT_EQ(test, netkit2_priv(dev)->policy, c->policy);
	if (peer)
		KUNIT_EXPECT_EQ(test, netkit2_priv(peer)->policy,
				c->peer_policy);
	rtnl_unlock();
}

/* The same through rtnetlink, as `ip link set` sends it. */
static void netkit2_changelink_netlink(struct kunit *test)
{
	struct nk2t_req *req;

	nk2t_create_pair(test, "nk2c1", "nk2c1p", NETKIT2_L3);

	req = nk2t_changelink(test, "nk2c1p");
	nk2t_put_u32(test, req, IFLA_NETKIT2_POLICY, NETKIT2_DROP);
	NK2T_EXPECT_ERR(test, req, EACCES,
			"netkit link settings can be changed only through the primary device");

	req = nk2t_changelink(test, "nk2c1");
	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, NETKIT2_L2);
	NK2T_EXPECT_ERR(test, req, EACCES, NK2T_FIXED("operating mode"));

	req = nk2t_changelink(test, "nk2c1");
	KUNIT_ASSERT_EQ(test, 0, nla_put_u8(req->skb, IFLA_NETKIT2_PRIMARY, 0));
	NK2T_EXPECT_ERR(test, req, EINVAL, "Primary attribute is read-only");

	req = nk2t_changelink(test, "nk2c1");
	nk2t_put_u32(test, req, IFLA_NETKIT2_POLICY, NETKIT2_DROP);
	nk2t_put_u32(test, req, IFLA_NETKIT2_PEER_POLICY, NETKIT2_DROP);
	KUNIT_EXPECT_EQ(test, nk2t_req_send(test, req), 0);

	rtnl_lock();
	{
		struct net_device *dev = __dev_get_by_name(&init_net, "nk2c1");
		struct net_device *peer = __dev_get_by_name(&init_net, "nk2c1p");

		KUNIT_EXPECT_TRUE(test, dev && peer);
		if (dev && peer) {
			KUNIT_EXPECT_EQ(test, netkit2_priv(dev)->policy,
					NETKIT2_DROP);
			KUNIT_EXPECT_EQ(test, netkit2_priv(peer)->policy,
					NETKIT2_DROP);
		}
	}
	rtnl_unlock();
}

static struct kunit_case netkit2_changelink_cases[] = {
	KUNIT_CASE_PARAM(netkit2_changelink_direct, nk2t_cl_gen_params),
	KUNIT_CASE(netkit2_changelink_netlink),
	{}
};

NK2T_SUITE(netkit2_changelink);

kunit_test_suites(&netkit2_policy_suite, &netkit2_newlink_suite,
		  &netkit2_changelink_suite);
