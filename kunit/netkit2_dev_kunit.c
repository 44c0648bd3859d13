// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: KUnit suites of the device itself.
 *
 * netkit2_lifecycle pair and single devices: linkage, carrier, namespace
 *                   moves, deleting either side, namespace teardown.
 * netkit2_xmit      the transmit path on synthetic frames received by a
 *                   packet_type tap on the peer.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "netkit2.h"
#include "netkit2_kunit.h"

#ifdef NK2T_NETNS
/* Poll (namespace teardown is asynchronous) until @ifname is gone. */
static bool nk2t_wait_gone(struct net *net, const char *ifname)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!nk2t_exists(net, ifname))
			return true;
		msleep(20);
	}
	return false;
}
#endif

static void nk2t_move(struct kunit *test, const char *ifname, struct net *net)
{
	struct net_device *dev;
	int err;

	rtnl_lock();
	dev = nk2t_get(test, &init_net, ifname);
	err = dev_change_net_namespace(dev, net, "nk2m%d");
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* --- netkit2_lifecycle ------------------------------------------------- */

static void netkit2_lifecycle_pair_linkage(struct kunit *test)
{
	struct net_device *dev, *peer;

	nk2t_create_pair(test, "nk2l0", "nk2l0p", NETKIT2_L3);

	rtnl_lock();
	dev = nk2t_get(test, &init_net, "nk2l0");
	peer = nk2t_get(test, &init_net, "nk2l0p");
	KUNIT_EXPECT_PTR_EQ(test, rtnl_dereference(netkit2_priv(dev)->peer),
			    peer);
	KUNIT_EXPECT_PTR_EQ(test, rtnl_dereference(netkit2_priv(peer)->peer),
			    dev);
	KUNIT_EXPECT_EQ(test, dev_get_iflink(dev), peer->ifindex);
	KUNIT_EXPECT_EQ(test, dev_get_iflink(peer), dev->ifindex);
	KUNIT_EXPECT_PTR_EQ(test, netkit2_link_ops.get_link_net(dev), &init_net);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, dev->netdev_ops->ndo_get_peer_dev(dev), peer);
	rcu_read_unlock();

	/* Carrier follows both sides being up. */
	KUNIT_EXPECT_EQ(test, dev_open(dev, NULL), 0);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(dev));
	KUNIT_EXPECT_EQ(test, dev_open(peer, NULL), 0);
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(dev));
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(peer));
	dev_close(dev);
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(dev));
	KUNIT_EXPECT_FALSE(test, netif_carrier_ok(peer));
	rtnl_unlock();
}

static void netkit2_lifecycle_single(struct kunit *test)
{
	struct net_device *dev;

	nk2t_create(test, "nk2l1", NULL, NETKIT2_L3, 0, 0);
	rtnl_lock();
	dev = nk2t_get(test, &init_net, "nk2l1");
	KUNIT_EXPECT_NULL(test, rtnl_dereference(netkit2_priv(dev)->peer));
	KUNIT_EXPECT_EQ(test, dev_get_iflink(dev), 0);
	KUNIT_EXPECT_EQ(test, dev_open(dev, NULL), 0);
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(dev));
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, nk2t_dellink(test, "nk2l1"), 0);
	KUNIT_EXPECT_FALSE(test, nk2t_exists(&init_net, "nk2l1"));
}

/* Who got unregistered, and whether its peer pointer was cleared then. */
struct nk2t_unreg {
	struct notifier_block	nb;
	bool			armed;
	int			n;
	char			name[4][IFNAMSIZ];
	bool			peer_cleared[4];
};

static int nk2t_unreg_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct nk2t_unreg *u = container_of(nb, struct nk2t_unreg, nb);
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!READ_ONCE(u->armed) || event != NETDEV_UNREGISTER ||
	    !netkit2_is_netkit2(dev) || strncmp(dev->name, "nk2u", 4) ||
	    u->n >= ARRAY_SIZE(u->name))
		return NOTIFY_DONE;
	strscpy(u->name[u->n], dev->name, IFNAMSIZ);
	u->peer_cleared[u->n] = !rtnl_dereference(netkit2_priv(dev)->peer);
	u->n++;
	return NOTIFY_DONE;
}

static void nk2t_unreg_action(void *nb)
{
	unregister_netdevice_notifier(nb);
}

static void nk2t_delete_side(struct kunit *test, bool peer_side)
{
	struct nk2t_unreg *u;
	int i, err;

	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	nk2t_create_pair(test, "nk2u0", "nk2u0p", NETKIT2_L2);
	nk2t_open(test, &init_net, "nk2u0");
	nk2t_open(test, &init_net, "nk2u0p");

	u->nb.notifier_call = nk2t_unreg_event;
	KUNIT_ASSERT_EQ(test, 0, register_netdevice_notifier(&u->nb));
	err = kunit_add_action_or_reset(test, nk2t_unreg_action, &u->nb);
	KUNIT_ASSERT_EQ(test, 0, err);
	WRITE_ONCE(u->armed, true);

	KUNIT_EXPECT_EQ(test, nk2t_dellink(test, peer_side ? "nk2u0p" : "nk2u0"),
			0);
	WRITE_ONCE(u->armed, false);

	KUNIT_EXPECT_FALSE(test, nk2t_exists(&init_net, "nk2u0"));
	KUNIT_EXPECT_FALSE(test, nk2t_exists(&init_net, "nk2u0p"));
	/* Both sides went, each once, in one batch, already unlinked. */
	KUNIT_ASSERT_EQ(test, u->n, 2);
	KUNIT_EXPECT_STRNEQ(test, u->name[0], u->name[1]);
	/* The side asked for is unregistered first. */
	KUNIT_EXPECT_STREQ(test, u->name[0], peer_side ? "nk2u0p" : "nk2u0");
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_TRUE_MSG(test, u->peer_cleared[i],
				      "%s still had a peer", u->name[i]);
}

static void netkit2_lifecycle_delete_primary(struct kunit *test)
{
	nk2t_delete_side(test, false);
}

static void netkit2_lifecycle_delete_peer(struct kunit *test)
{
	nk2t_delete_side(test, true);
}

static void netkit2_lifecycle_peer_in_netns(struct kunit *test)
{
	struct net *net = nk2t_new_net(test);
	struct net_device *dev, *peer;

	nk2t_create_pair(test, "nk2l2", "nk2l2p", NETKIT2_L3);
	nk2t_move(test, "nk2l2p", net);
	KUNIT_EXPECT_FALSE(test, nk2t_exists(&init_net, "nk2l2p"));

	rtnl_lock();
	dev = nk2t_get(test, &init_net, "nk2l2");
	peer = nk2t_get(test, net, "nk2l2p");
	KUNIT_EXPECT_PTR_EQ(test, rtnl_dereference(netkit2_priv(dev)->peer),
			    peer);
	KUNIT_EXPECT_PTR_EQ(test, rtnl_dereference(netkit2_priv(peer)->peer),
			    dev);
	KUNIT_EXPECT_PTR_EQ(test, dev_net(peer), net);
	KUNIT_EXPECT_PTR_EQ(test, netkit2_link_ops.get_link_net(dev), net);
	KUNIT_EXPECT_PTR_EQ(test, netkit2_link_ops.get_link_net(peer),
			    &init_net);
	rtnl_unlock();

	/* Deleting the primary takes the peer out of its namespace too. */
	KUNIT_EXPECT_EQ(test, nk2t_dellink(test, "nk2l2"), 0);
	KUNIT_EXPECT_FALSE(test, nk2t_exists(&init_net, "nk2l2"));
	KUNIT_EXPECT_FALSE(test, nk2t_exists(net, "nk2l2p"));
}

static void netkit2_lifecycle_netns_teardown(struct kunit *test)
{
	struct net *net;

	nk2t_create_pair(test, "nk2l3", "nk2l3p", NETKIT2_L3);
#ifdef NK2T_NETNS
	net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
	nk2t_move(test, "nk2l3p", net);
	/* The peer's namespace goes: so does the primary, outside it. */
	put_net(net);
	KUNIT_EXPECT_TRUE(test, nk2t_wait_gone(&init_net, "nk2l3"));
#else
	(void)net;
	kunit_skip(test, "needs CONFIG_NET_NS and a built-in netkit2");
#endif
}

static struct kunit_case netkit2_lifecycle_cases[] = {
	KUNIT_CASE(netkit2_lifecycle_pair_linkage),
	KUNIT_CASE(netkit2_lifecycle_single),
	KUNIT_CASE(netkit2_lifecycle_delete_primary),
	KUNIT_CASE(netkit2_lifecycle_delete_peer),
	KUNIT_CASE(netkit2_lifecycle_peer_in_netns),
	KUNIT_CASE(netkit2_lifecycle_netns_teardown),
	{}
};

NK2T_SUITE(netkit2_lifecycle);

/* --- netkit2_xmit: the transmit path ---------------------------------- */

static void netkit2_xmit_same_netns(struct kunit *test)
{
	struct rtnl_link_stats64 st;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	tap = nk2t_pair_tap(test, "nk2x0", "nk2x0p", mac);

	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, &init_net, "nk2x0", mac),
			NETDEV_TX_OK);
	KUNIT_ASSERT_TRUE(test, nk2t_tap_wait(tap, 2000));
	KUNIT_EXPECT_EQ(test, tap->count, 1);
	KUNIT_EXPECT_STREQ(test, tap->dev->name, "nk2x0p");
	KUNIT_EXPECT_EQ(test, tap->pkt_type, PACKET_HOST);
	/* Within a namespace mark, priority and timestamp stay. */
	KUNIT_EXPECT_EQ(test, tap->mark, NK2T_MARK);
	KUNIT_EXPECT_EQ(test, tap->priority, NK2T_PRIO);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(tap->tstamp), NK2T_TSTAMP);
	/* Received as from the wire: MAC header at the frame, pulled. */
	KUNIT_EXPECT_TRUE(test, tap->mac_at_eth);
	KUNIT_EXPECT_EQ(test, tap->mac_len, ETH_HLEN);
	KUNIT_EXPECT_EQ(test, tap->len, NK2T_PAYLOAD);
	KUNIT_EXPECT_MEMEQ(test, tap->dest, mac, ETH_ALEN);

	nk2t_stats(test, &init_net, "nk2x0", &st);
	KUNIT_EXPECT_EQ(test, st.tx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.tx_bytes, (u64)(ETH_HLEN + NK2T_PAYLOAD));
	KUNIT_EXPECT_EQ(test, st.tx_dropped, 0ULL);
	nk2t_stats(test, &init_net, "nk2x0p", &st);
	KUNIT_EXPECT_EQ(test, st.rx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.rx_bytes, (u64)(ETH_HLEN + NK2T_PAYLOAD));
}

struct nk2t_dest_case {
	const char	*name;
	int		kind;	/* 0 the peer, 1 broadcast, 2 multicast, 3 other */
	u8		pkt_type;
};

static const struct nk2t_dest_case nk2t_dest_cases[] = {
	{ "to the peer", 0, PACKET_HOST },
	{ "broadcast", 1, PACKET_BROADCAST },
	{ "multicast", 2, PACKET_MULTICAST },
	{ "other host", 3, PACKET_OTHERHOST },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_dest, nk2t_dest_cases, name);

static void netkit2_xmit_pkt_type(struct kunit *test)
{
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const u8 other[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc };
	const struct nk2t_dest_case *c = test->param_value;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	/* To the peer's address (kind 0), unless the case says otherwise. */
	tap = nk2t_pair_tap(test, "nk2x1", "nk2x1p", mac);
	switch (c->kind) {
	case 1:
		eth_broadcast_addr(mac);
		break;
	case 2:
		ether_addr_copy(mac, mcast);
		break;
	case 3:
		ether_addr_copy(mac, other);
		break;
	}
	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, &init_net, "nk2x1", mac),
			NETDEV_TX_OK);
	KUNIT_ASSERT_TRUE(test, nk2t_tap_wait(tap, 2000));
	KUNIT_EXPECT_EQ(test, tap->pkt_type, c->pkt_type);
}

struct nk2t_scrub_case {
	const char	*name;
	int		scrub, peer_scrub;
	bool		from_peer;
	bool		keep;		/* mark and priority arrive */
};

static const struct nk2t_scrub_case nk2t_scrub_cases[] = {
	{ "primary scrub default", NETKIT2_SCRUB_DEFAULT, NETKIT2_SCRUB_NONE,
	  false, false },
	{ "primary scrub none", NETKIT2_SCRUB_NONE, NETKIT2_SCRUB_DEFAULT,
	  false, true },
	{ "peer scrub default", NETKIT2_SCRUB_NONE, NETKIT2_SCRUB_DEFAULT,
	  true, false },
	{ "peer scrub none", NETKIT2_SCRUB_DEFAULT, NETKIT2_SCRUB_NONE,
	  true, true },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_scrub, nk2t_scrub_cases, name);

static void netkit2_xmit_cross_netns(struct kunit *test)
{
	const struct nk2t_scrub_case *c = test->param_value;
	struct net *net = nk2t_new_net(test);
	struct net *src_net, *dst_net;
	const char *src, *dst;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	nk2t_create(test, "nk2x2", "nk2x2p", NETKIT2_L2, c->scrub,
		    c->peer_scrub);
	nk2t_move(test, "nk2x2p", net);
	nk2t_open(test, &init_net, "nk2x2");
	nk2t_open(test, net, "nk2x2p");

	src = c->from_peer ? "nk2x2p" : "nk2x2";
	src_net = c->from_peer ? net : &init_net;
	dst = c->from_peer ? "nk2x2" : "nk2x2p";
	dst_net = c->from_peer ? &init_net : net;
	tap = nk2t_tap_add(test, dst_net, dst);
	nk2t_mac_of(test, dst_net, dst, mac);

	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, src_net, src, mac), NETDEV_TX_OK);
	KUNIT_ASSERT_TRUE(test, nk2t_tap_wait(tap, 2000));
	KUNIT_EXPECT_EQ(test, tap->pkt_type, PACKET_HOST);
	KUNIT_EXPECT_EQ(test, tap->mark, c->keep ? NK2T_MARK : 0);
	KUNIT_EXPECT_EQ(test, tap->priority, c->keep ? NK2T_PRIO : 0);
	/* The sender's clock means nothing in another namespace. */
	KUNIT_EXPECT_NE(test, ktime_to_ns(tap->tstamp), NK2T_TSTAMP);
	KUNIT_EXPECT_TRUE(test, tap->mac_at_eth);
}

/* One frame from @ifname, dropped there: it never reaches @tap. */
static void nk2t_xmit_dropped(struct kunit *test, const char *ifname,
			      const u8 *dest, struct nk2t_tap *tap)
{
	struct rtnl_link_stats64 st;

	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, &init_net, ifname, dest),
			NET_XMIT_DROP);
	if (tap)
		KUNIT_EXPECT_FALSE(test, nk2t_tap_wait(tap, 100));
	nk2t_stats(test, &init_net, ifname, &st);
	KUNIT_EXPECT_EQ(test, st.tx_dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.tx_packets, 0ULL);
}

static void netkit2_xmit_peer_down(struct kunit *test)
{
	struct rtnl_link_stats64 st;
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	nk2t_create_pair(test, "nk2x3", "nk2x3p", NETKIT2_L2);
	nk2t_open(test, &init_net, "nk2x3");
	tap = nk2t_tap_add(test, &init_net, "nk2x3p");
	nk2t_mac_of(test, &init_net, "nk2x3p", mac);

	nk2t_xmit_dropped(test, "nk2x3", mac, tap);
	nk2t_stats(test, &init_net, "nk2x3p", &st);
	KUNIT_EXPECT_EQ(test, st.rx_packets, 0ULL);
}

static void netkit2_xmit_policy_drop(struct kunit *test)
{
	struct nk2t_tap *tap;
	u8 mac[ETH_ALEN];

	nk2t_create_pair(test, "nk2x4", "nk2x4p", NETKIT2_L2);
	nk2t_set_policy(test, "nk2x4", NETKIT2_DROP);
	nk2t_open(test, &init_net, "nk2x4");
	nk2t_open(test, &init_net, "nk2x4p");
	tap = nk2t_tap_add(test, &init_net, "nk2x4p");
	nk2t_mac_of(test, &init_net, "nk2x4p", mac);

	nk2t_xmit_dropped(test, "nk2x4", mac, tap);

	/* Back to forwarding: the next frame goes through. */
	nk2t_set_policy(test, "nk2x4", NETKIT2_PASS);
	KUNIT_EXPECT_EQ(test, nk2t_xmit(test, &init_net, "nk2x4", mac),
			NETDEV_TX_OK);
	KUNIT_EXPECT_TRUE(test, nk2t_tap_wait(tap, 2000));
}

static void netkit2_xmit_single(struct kunit *test)
{
	static const u8 other[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc };

	nk2t_create(test, "nk2x5", NULL, NETKIT2_L2, 0, 0);
	nk2t_open(test, &init_net, "nk2x5");
	nk2t_xmit_dropped(test, "nk2x5", other, NULL);
}

static struct kunit_case netkit2_xmit_cases[] = {
	KUNIT_CASE(netkit2_xmit_same_netns),
	KUNIT_CASE_PARAM(netkit2_xmit_pkt_type, nk2t_dest_gen_params),
	KUNIT_CASE_PARAM(netkit2_xmit_cross_netns, nk2t_scrub_gen_params),
	KUNIT_CASE(netkit2_xmit_peer_down),
	KUNIT_CASE(netkit2_xmit_policy_drop),
	KUNIT_CASE(netkit2_xmit_single),
	{}
};

NK2T_SUITE(netkit2_xmit);

kunit_test_suites(&netkit2_lifecycle_suite, &netkit2_xmit_suite);
