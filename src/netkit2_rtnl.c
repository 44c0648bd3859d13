// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: rtnetlink link operations (link kind "netkit2").
 *
 * The IFLA_INFO_DATA attributes, their validation, defaults and errors
 * follow the kernel's IFLA_NETKIT_* exactly, so that a tool configuring
 * netkit configures netkit2 by changing the kind string alone.
 */

#include <linux/capability.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "netkit2.h"

/*
 * What newlink learnt about the peer from the request: its attributes
 * (the primary's own when no PEER_INFO was given), its ifinfomsg if any,
 * and the namespace it is to be created in.
 */
struct netkit2_peer_req {
	struct nlattr		*attrs[IFLA_MAX + 1];
	struct nlattr		**tb;
	struct ifinfomsg	*ifm;
	struct net		*net;
};

static int netkit2_check_policy(struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	switch (nla_get_u32(attr)) {
	case NETKIT2_PASS:
	case NETKIT2_DROP:
		return 0;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Provided default xmit policy not supported");
		return -EINVAL;
	}
}

/*
 * rtnl_create_link() rejects queue counts above this itself, after
 * ->validate(); netkit2's own limits are checked for what is left so that
 * the request gets the kernel's answer where it would have without them.
 */
#define NETKIT2_CORE_QUEUES_MAX		4096

static bool netkit2_queues_over(const struct nlattr *attr, u32 max)
{
	u32 n;

	if (!attr)
		return false;
	n = nla_get_u32(attr);
	return n > max && n <= NETKIT2_CORE_QUEUES_MAX;
}

static int netkit2_validate(struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[IFLA_ADDRESS];

	if (netkit2_queues_over(tb[IFLA_NUM_TX_QUEUES],
				NETKIT2_NUM_TX_QUEUES_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_NUM_TX_QUEUES],
				    "netkit2 supports a single tx queue");
		return -EOPNOTSUPP;
	}
	if (netkit2_queues_over(tb[IFLA_NUM_RX_QUEUES],
				NETKIT2_NUM_RX_QUEUES_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_NUM_RX_QUEUES],
				    "netkit2 supports at most 1024 rx queues");
		return -EOPNOTSUPP;
	}

	if (!attr)
		return 0;
	if (nla_len(attr) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Link address must be an Ethernet address");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Link address must be a valid unicast address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/*
 * Find the peer's attributes. Kernels whose rtnetlink core knows
 * rtnl_link_ops->peer_type have parsed and validated them already, and
 * resolved the peer's namespace; on the others netkit2 does the same, in
 * the same order and with the same errors (see netkit2_newlink()).
 */
static int netkit2_peer_req_parse(struct netkit2_peer_req *req,
				  struct nlattr **tb, struct nlattr **data,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *info = data ? data[IFLA_NETKIT2_PEER_INFO] : NULL;
	int err;

	req->tb = tb;
	req->ifm = NULL;
	req->net = NULL;
	if (!info)
		return 0;

	err = rtnl_nla_parse_ifinfomsg(req->attrs, info, extack);
	if (err < 0)
		return err;
#ifndef NETKIT2_HAVE_NEWLINK_PEER_NET
	err = netkit2_validate(req->attrs, NULL, extack);
	if (err < 0)
		return err;
#endif
	req->ifm = nla_data(info);
	req->tb = req->attrs;
	return 0;
}

static void netkit2_link_peers(struct net_device *dev, struct net_device *peer)
{
	ASSERT_RTNL();
	rcu_assign_pointer(netkit2_priv(dev)->peer, peer);
	if (peer)
		rcu_assign_pointer(netkit2_priv(peer)->peer, dev);
}

/*
 * What a newlink request asks of the device and of its peer, defaults
 * filled in, checked against each other before anything is created.
 */
struct netkit2_config {
	enum netkit2_mode	mode;
	enum netkit2_pairing	pairing;
	enum netkit2_action	policy;
	enum netkit2_action	policy_peer;
	enum netkit2_scrub	scrub;
	enum netkit2_scrub	scrub_peer;
	u16			headroom;
	u16			tailroom;
};

static int netkit2_config_parse(struct netkit2_config *cfg,
				const struct netkit2_peer_req *req,
				struct nlattr **tb, struct nlattr **data,
				struct netlink_ext_ack *extack)
{
	bool peer_attrs = false;
	int err;

	*cfg = (struct netkit2_config) {
		.mode		= NETKIT2_L3,
		.pairing	= NETKIT2_DEVICE_PAIR,
		.policy		= NETKIT2_PASS,
		.policy_peer	= NETKIT2_PASS,
		.scrub		= NETKIT2_SCRUB_DEFAULT,
		.scrub_peer	= NETKIT2_SCRUB_DEFAULT,
	};
	if (data) {
		if (data[IFLA_NETKIT2_MODE])
			cfg->mode = nla_get_u32(data[IFLA_NETKIT2_MODE]);
		if (data[IFLA_NETKIT2_SCRUB])
			cfg->scrub = nla_get_u32(data[IFLA_NETKIT2_SCRUB]);
		if (data[IFLA_NETKIT2_PEER_SCRUB])
			cfg->scrub_peer = nla_get_u32(data[IFLA_NETKIT2_PEER_SCRUB]);
		if (data[IFLA_NETKIT2_POLICY]) {
			err = netkit2_check_policy(data[IFLA_NETKIT2_POLICY],
						   extack);
			if (err)
				return err;
			cfg->policy = nla_get_u32(data[IFLA_NETKIT2_POLICY]);
		}
		if (data[IFLA_NETKIT2_PEER_POLICY]) {
			err = netkit2_check_policy(data[IFLA_NETKIT2_PEER_POLICY],
						   extack);
			if (err)
				return err;
			cfg->policy_peer = nla_get_u32(data[IFLA_NETKIT2_PEER_POLICY]);
		}
		if (data[IFLA_NETKIT2_HEADROOM])
			cfg->headroom = nla_get_u16(data[IFLA_NETKIT2_HEADROOM]);
		if (data[IFLA_NETKIT2_TAILROOM])
			cfg->tailroom = nla_get_u16(data[IFLA_NETKIT2_TAILROOM]);
		if (data[IFLA_NETKIT2_PAIRING])
			cfg->pairing = nla_get_u32(data[IFLA_NETKIT2_PAIRING]);
		peer_attrs = data[IFLA_NETKIT2_PEER_INFO] ||
			     data[IFLA_NETKIT2_PEER_POLICY] ||
			     data[IFLA_NETKIT2_PEER_SCRUB];
	}

	if (cfg->mode != NETKIT2_L2 &&
	    (tb[IFLA_ADDRESS] || req->tb[IFLA_ADDRESS])) {
		NL_SET_ERR_MSG(extack,
			       "netkit link address can only be set in L2 mode");
		return -EOPNOTSUPP;
	}
	if (cfg->pairing == NETKIT2_DEVICE_SINGLE &&
	    (peer_attrs || (data && data[IFLA_NETKIT2_SCRUB]) ||
	     cfg->policy != NETKIT2_PASS)) {
		NL_SET_ERR_MSG(extack,
			       "netkit single device mode takes no peer, scrub or non-forward policy");
		return -EOPNOTSUPP;
	}

	/*
	 * A deliberate difference from upstream netkit, which takes any u16
	 * and leaves the host to fault on the first packet: a headroom the
	 * core cannot honour (see NETKIT2_HEADROOM_MAX). Any u16 tailroom
	 * can be honoured.
	 */
	if (cfg->headroom > NETKIT2_HEADROOM_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_NETKIT2_HEADROOM],
				    "netkit2 headroom beyond what the core's 16-bit header offsets can address");
		return -ERANGE;
	}
	return 0;
}

/* The peer of a pair, created and registered in the peer's namespace. */
static struct net_device *
netkit2_create_peer(struct net_device *dev, const struct netkit2_config *cfg,
		    const struct netkit2_peer_req *req,
		    struct netlink_ext_ack *extack)
{
	unsigned char name_assign_type;
	struct net_device *peer;
	char ifname[IFNAMSIZ];
	int err;

	if (req->ifm && req->tb[IFLA_IFNAME]) {
		nla_strscpy(ifname, req->tb[IFLA_IFNAME], IFNAMSIZ);
		name_assign_type = NET_NAME_USER;
	} else {
		strscpy(ifname, NETKIT2_IFNAME_PATTERN, IFNAMSIZ);
		name_assign_type = NET_NAME_ENUM;
	}

	peer = rtnl_create_link(req->net, ifname, name_assign_type,
				&netkit2_link_ops, req->tb, extack);
	if (IS_ERR(peer))
		return peer;

	netif_inherit_tso_max(peer, dev);
	if (cfg->mode == NETKIT2_L2 && !(req->ifm && req->tb[IFLA_ADDRESS]))
		eth_hw_addr_random(peer);
	if (req->ifm && dev->ifindex)
		peer->ifindex = req->ifm->ifi_index;
	netkit2_init_priv(peer, false, cfg->mode, cfg->pairing,
			  cfg->policy_peer, cfg->scrub_peer, cfg->headroom,
			  cfg->tailroom);

	err = register_netdevice(peer);
	if (err < 0)
		goto err_free_peer;
	netif_carrier_off(peer);
	err = rtnl_configure_link(peer, NULL, 0, NULL);
	if (err < 0)
		goto err_unregister_peer;
	return peer;

err_unregister_peer:
	unregister_netdevice(peer);
	return ERR_PTR(err);
err_free_peer:
	free_netdev(peer);
	return ERR_PTR(err);
}

static int netkit2_create(struct net_device *dev,
			  const struct netkit2_peer_req *req, struct nlattr **tb,
			  struct nlattr **data, struct netlink_ext_ack *extack)
{
	struct net_device *peer = NULL;
	struct netkit2_config cfg;
	int err;

	ASSERT_RTNL();
	err = netkit2_config_parse(&cfg, req, tb, data, extack);
	if (err)
		return err;

	if (cfg.pairing == NETKIT2_DEVICE_PAIR) {
		peer = netkit2_create_peer(dev, &cfg, req, extack);
		if (IS_ERR(peer))
			return PTR_ERR(peer);
	}

	if (cfg.mode == NETKIT2_L2 && !tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		strscpy(dev->name, NETKIT2_IFNAME_PATTERN, IFNAMSIZ);
	netkit2_init_priv(dev, true, cfg.mode, cfg.pairing, cfg.policy,
			  cfg.scrub, cfg.headroom, cfg.tailroom);

	err = register_netdevice(dev);
	if (err < 0)
		goto err_unregister_peer;
	netif_carrier_off(dev);

	netkit2_link_peers(dev, peer);
	return 0;

err_unregister_peer:
	if (peer)
		unregister_netdevice(peer);
	return err;
}

#ifdef NETKIT2_HAVE_NEWLINK_PEER_NET
static int netkit2_newlink(struct net_device *dev,
			   struct rtnl_newlink_params *params,
			   struct netlink_ext_ack *extack)
{
	struct netkit2_peer_req req;
	int err;

	err = netkit2_peer_req_parse(&req, params->tb, params->data, extack);
	if (err)
		return err;
	req.net = rtnl_newlink_peer_net(params);
	return netkit2_create(dev, &req, params->tb, params->data, extack);
}
#else
static int netkit2_newlink(struct net *src_net, struct net_device *dev,
			   struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct netkit2_peer_req req;
	int err;

	err = netkit2_peer_req_parse(&req, tb, data, extack);
	if (err)
		return err;

	req.net = rtnl_link_get_net(src_net, req.tb);
	if (IS_ERR(req.net))
		return PTR_ERR(req.net);
	if ((req.tb[IFLA_NET_NS_PID] || req.tb[IFLA_NET_NS_FD]) &&
	    !ns_capable(req.net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "No CAP_NET_ADMIN in the peer's network namespace");
		err = -EPERM;
		goto out_put_net;
	}

	err = netkit2_create(dev, &req, tb, data, extack);
out_put_net:
	put_net(req.net);
	return err;
}
#endif

static void netkit2_dellink(struct net_device *dev, struct list_head *head)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct net_device *peer = rtnl_dereference(nk->peer);

	/*
	 * A batch (rmmod, a link group, a namespace) calls this for both
	 * devices of a pair: the first call has queued both and announced
	 * the release of both sides' programs.
	 */
	if (netkit2_unregister_queued(dev))
		return;
	netkit2_genl_notify_release(dev);
	RCU_INIT_POINTER(nk->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (!peer)
		return;

	RCU_INIT_POINTER(netkit2_priv(peer)->peer, NULL);
	/* Namespace teardown may have queued the peer in this batch. */
	if (!netkit2_unregister_queued(peer))
		unregister_netdevice_queue(peer, head);
}

/* Attributes fixed at creation, in the order changelink reports them. */
static const int netkit2_fixed_attrs[] = {
	IFLA_NETKIT2_MODE,
	IFLA_NETKIT2_SCRUB,
	IFLA_NETKIT2_PEER_SCRUB,
	IFLA_NETKIT2_PEER_INFO,
	IFLA_NETKIT2_HEADROOM,
	IFLA_NETKIT2_TAILROOM,
	IFLA_NETKIT2_PAIRING,
};

#define NETKIT2_FIXED_MSG(what) \
	"netkit link " what " cannot be changed after device creation"

static void netkit2_fixed_attr_err(struct netlink_ext_ack *extack,
				   const struct nlattr *attr, int type)
{
	switch (type) {
	case IFLA_NETKIT2_MODE:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("operating mode"));
		break;
	case IFLA_NETKIT2_SCRUB:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("scrubbing"));
		break;
	case IFLA_NETKIT2_PEER_SCRUB:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("peer scrubbing"));
		break;
	case IFLA_NETKIT2_PEER_INFO:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("peer info"));
		break;
	case IFLA_NETKIT2_HEADROOM:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("headroom"));
		break;
	case IFLA_NETKIT2_TAILROOM:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("tailroom"));
		break;
	case IFLA_NETKIT2_PAIRING:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    NETKIT2_FIXED_MSG("pairing"));
		break;
	}
}

static int netkit2_changelink(struct net_device *dev, struct nlattr *tb[],
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct nlattr *policy, *policy_peer;
	struct net_device *peer;
	struct nlattr *attr;
	int i, err;

	ASSERT_RTNL();
	if (!data)
		return 0;
	if (!nk->primary) {
		NL_SET_ERR_MSG(extack,
			       "netkit link settings can be changed only through the primary device");
		return -EACCES;
	}

	for (i = 0; i < ARRAY_SIZE(netkit2_fixed_attrs); i++) {
		attr = data[netkit2_fixed_attrs[i]];
		if (!attr)
			continue;
		netkit2_fixed_attr_err(extack, attr, netkit2_fixed_attrs[i]);
		return -EACCES;
	}

	peer = rtnl_dereference(nk->peer);
	policy = data[IFLA_NETKIT2_POLICY];
	policy_peer = data[IFLA_NETKIT2_PEER_POLICY];

	/* Validate everything first: a rejected request changes nothing. */
	if (policy) {
		if (nk->pairing == NETKIT2_DEVICE_SINGLE) {
			NL_SET_ERR_MSG_ATTR(extack, policy,
					    "netkit single device mode has a fixed forward policy");
			return -EOPNOTSUPP;
		}
		err = netkit2_check_policy(policy, extack);
		if (err)
			return err;
	}
	if (policy_peer) {
		if (!peer) {
			NL_SET_ERR_MSG_ATTR(extack, policy_peer,
					    "netkit device has no peer");
			return -EOPNOTSUPP;
		}
		err = netkit2_check_policy(policy_peer, extack);
		if (err)
			return err;
	}

	if (policy)
		WRITE_ONCE(nk->policy, nla_get_u32(policy));
	if (policy_peer)
		WRITE_ONCE(netkit2_priv(peer)->policy, nla_get_u32(policy_peer));
	return 0;
}

static struct net *netkit2_get_link_net(const struct net_device *dev)
{
	struct net_device *peer = rtnl_dereference(netkit2_priv(dev)->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static size_t netkit2_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u8)) +	/* PRIMARY */
	       nla_total_size(sizeof(u32)) +	/* POLICY */
	       nla_total_size(sizeof(u32)) +	/* MODE */
	       nla_total_size(sizeof(u32)) +	/* SCRUB */
	       nla_total_size(sizeof(u16)) +	/* HEADROOM */
	       nla_total_size(sizeof(u16)) +	/* TAILROOM */
	       nla_total_size(sizeof(u32)) +	/* PAIRING */
	       nla_total_size(sizeof(u32)) +	/* PEER_POLICY */
	       nla_total_size(sizeof(u32));	/* PEER_SCRUB */
}

static int netkit2_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct netkit2 *nk = netkit2_priv(dev);
	const struct netkit2 *nk_peer;
	struct net_device *peer;

	peer = rtnl_dereference(nk->peer);

	if (nla_put_u8(skb, IFLA_NETKIT2_PRIMARY, nk->primary) ||
	    nla_put_u32(skb, IFLA_NETKIT2_POLICY, READ_ONCE(nk->policy)) ||
	    nla_put_u32(skb, IFLA_NETKIT2_MODE, nk->mode))
		return -EMSGSIZE;
	/* A single device forwards nowhere: it has nothing to scrub. */
	if (nk->pairing == NETKIT2_DEVICE_PAIR &&
	    nla_put_u32(skb, IFLA_NETKIT2_SCRUB, nk->scrub))
		return -EMSGSIZE;
	if (nla_put_u16(skb, IFLA_NETKIT2_HEADROOM, dev->needed_headroom) ||
	    nla_put_u16(skb, IFLA_NETKIT2_TAILROOM, dev->needed_tailroom) ||
	    nla_put_u32(skb, IFLA_NETKIT2_PAIRING, nk->pairing))
		return -EMSGSIZE;

	if (!peer)
		return 0;
	nk_peer = netkit2_priv(peer);
	if (nla_put_u32(skb, IFLA_NETKIT2_PEER_POLICY,
			READ_ONCE(nk_peer->policy)) ||
	    nla_put_u32(skb, IFLA_NETKIT2_PEER_SCRUB, nk_peer->scrub))
		return -EMSGSIZE;
	return 0;
}

/*
 * Devices are allocated with room for up to NETKIT2_NUM_RX_QUEUES_MAX rx
 * queues (numrxqueues), of which one is in use: the others are there to be
 * leased from physical devices later.
 */
static struct net_device *netkit2_alloc(struct nlattr *tb[],
					const char *ifname,
					unsigned char name_assign_type,
					unsigned int num_tx_queues,
					unsigned int num_rx_queues)
{
	struct net_device *dev;

	if (num_tx_queues > NETKIT2_NUM_TX_QUEUES_MAX ||
	    num_rx_queues > NETKIT2_NUM_RX_QUEUES_MAX)
		return ERR_PTR(-EOPNOTSUPP);

	dev = alloc_netdev_mqs(sizeof(struct netkit2), ifname,
			       name_assign_type, netkit2_setup,
			       num_tx_queues, num_rx_queues);
	if (!dev)
		return NULL;
	dev->real_num_tx_queues = 1;
	dev->real_num_rx_queues = 1;
	return dev;
}

static const struct nla_policy netkit2_nl_policy[IFLA_NETKIT2_MAX + 1] = {
	[IFLA_NETKIT2_PEER_INFO]	= { .len = sizeof(struct ifinfomsg) },
	[IFLA_NETKIT2_PRIMARY]		= { .type = NLA_REJECT,
					    .reject_message = "Primary attribute is read-only" },
	[IFLA_NETKIT2_POLICY]		= { .type = NLA_U32 },
	[IFLA_NETKIT2_PEER_POLICY]	= { .type = NLA_U32 },
	[IFLA_NETKIT2_MODE]		= NLA_POLICY_MAX(NLA_U32, NETKIT2_L3),
	[IFLA_NETKIT2_SCRUB]		= NLA_POLICY_MAX(NLA_U32, NETKIT2_SCRUB_DEFAULT),
	[IFLA_NETKIT2_PEER_SCRUB]	= NLA_POLICY_MAX(NLA_U32, NETKIT2_SCRUB_DEFAULT),
	[IFLA_NETKIT2_HEADROOM]		= { .type = NLA_U16 },
	[IFLA_NETKIT2_TAILROOM]		= { .type = NLA_U16 },
	[IFLA_NETKIT2_PAIRING]		= NLA_POLICY_MAX(NLA_U32, NETKIT2_DEVICE_SINGLE),
};

struct rtnl_link_ops netkit2_link_ops = {
	.kind		= NETKIT2_DRV_NAME,
	.priv_size	= sizeof(struct netkit2),
	.alloc		= netkit2_alloc,
	.setup		= netkit2_setup,
	.maxtype	= IFLA_NETKIT2_MAX,
	.policy		= netkit2_nl_policy,
	.validate	= netkit2_validate,
#ifdef NETKIT2_HAVE_NEWLINK_PEER_NET
	.peer_type	= IFLA_NETKIT2_PEER_INFO,
#endif
	.newlink	= netkit2_newlink,
	.changelink	= netkit2_changelink,
	.dellink	= netkit2_dellink,
	.get_link_net	= netkit2_get_link_net,
	.get_size	= netkit2_get_size,
	.fill_info	= netkit2_fill_info,
};
