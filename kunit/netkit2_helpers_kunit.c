// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: set-up shared by the KUnit suites.
 *
 * The suites (netkit2_*_kunit.c) are linked into netkit2 itself when
 * CONFIG_NETKIT2_KUNIT_TEST is set, so they see the driver as the kernel
 * does: its link kind is registered before the suites run.
 *
 * A kernel NETLINK_ROUTE socket per case and the link requests sent
 * through it, pairs and single devices made and deleted by name,
 * namespaces, frames sent through ndo_start_xmit() and received by a
 * packet_type tap, and SCHED_CLS programs loaded through the verifier
 * and attached by the program engine.
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/completion.h>
#include <linux/etherdevice.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/addrconf.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <net/sock.h>

#include "netkit2.h"
#include "netkit2_kunit.h"

/* --- netlink requests ------------------------------------------------- */

int nk2t_init(struct kunit *test)
{
	struct nk2t_ctx *ctx;
	int one = 1, err;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	err = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE,
			       &ctx->sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	/*
	 * rtnetlink checks CAP_NET_ADMIN against the opener of the socket's
	 * file: give the socket one, opened with the test's credentials.
	 */
	ctx->file = sock_alloc_file(ctx->sock, 0, NULL);
	if (IS_ERR(ctx->file)) {
		ctx->file = NULL;	/* the socket went with it */
		KUNIT_FAIL_AND_ABORT(test, "sock_alloc_file failed");
	}
	err = ctx->sock->ops->setsockopt(ctx->sock, SOL_NETLINK,
					 NETLINK_EXT_ACK, KERNEL_SOCKPTR(&one),
					 sizeof(one));
	KUNIT_ASSERT_EQ(test, err, 0);
	err = ctx->sock->ops->setsockopt(ctx->sock, SOL_NETLINK,
					 NETLINK_CAP_ACK, KERNEL_SOCKPTR(&one),
					 sizeof(one));
	KUNIT_ASSERT_EQ(test, err, 0);
	test->priv = ctx;
	return 0;
}

void nk2t_exit(struct kunit *test)
{
	struct nk2t_ctx *ctx = test->priv;

	if (ctx && ctx->file)
		fput(ctx->file);
}

static void nk2t_skb_free(void *skb)
{
	kfree_skb(skb);
}

/* An skb of @size bytes, freed when the test ends. */
struct sk_buff *nk2t_alloc_skb(struct kunit *test, unsigned int size)
{
	struct sk_buff *skb;
	int err;

	skb = alloc_skb(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	err = kunit_add_action_or_reset(test, nk2t_skb_free, skb);
	KUNIT_ASSERT_EQ(test, 0, err);
	return skb;
}

/* Start a link request on @ifname (or @ifindex), with kind netkit2. */
struct nk2t_req *nk2t_req_new(struct kunit *test, int type, int flags,
			      const char *ifname, int ifindex)
{
	struct nk2t_ctx *ctx = test->priv;
	struct ifinfomsg *ifm;
	struct nk2t_req *req;

	req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	/* The size nlmsg_new() allocates for a message of this payload. */
	req->skb = nk2t_alloc_skb(test, nlmsg_total_size(NLMSG_GOODSIZE));
	req->nlh = nlmsg_put(req->skb, 0, ++ctx->seq, type, sizeof(*ifm),
			     NLM_F_REQUEST | NLM_F_ACK | flags);
	KUNIT_ASSERT_NOT_NULL(test, req->nlh);
	ifm = nlmsg_data(req->nlh);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (ifname)
		KUNIT_ASSERT_EQ(test, 0,
				nla_put_string(req->skb, IFLA_IFNAME, ifname));
	return req;
}

/* Open IFLA_LINKINFO { KIND netkit2, DATA { ... } }. */
void nk2t_req_data(struct kunit *test, struct nk2t_req *req)
{
	req->linkinfo = nla_nest_start(req->skb, IFLA_LINKINFO);
	KUNIT_ASSERT_NOT_NULL(test, req->linkinfo);
	KUNIT_ASSERT_EQ(test, 0, nla_put_string(req->skb, IFLA_INFO_KIND,
						NETKIT2_KIND));
	req->data = nla_nest_start(req->skb, IFLA_INFO_DATA);
	KUNIT_ASSERT_NOT_NULL(test, req->data);
}

void nk2t_put_u32(struct kunit *test, struct nk2t_req *req, int type,
		  u32 val)
{
	KUNIT_ASSERT_EQ(test, 0, nla_put_u32(req->skb, type, val));
}

/* IFLA_NETKIT2_PEER_INFO: an ifinfomsg, then the peer's name (if any). */
void nk2t_put_peer(struct kunit *test, struct nk2t_req *req,
		   const char *ifname, const u8 *addr)
{
	struct nlattr *nest;

	nest = nla_nest_start(req->skb, IFLA_NETKIT2_PEER_INFO);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	skb_put_zero(req->skb, sizeof(struct ifinfomsg));
	if (ifname)
		KUNIT_ASSERT_EQ(test, 0, nla_put_string(req->skb, IFLA_IFNAME,
							ifname));
	if (addr)
		KUNIT_ASSERT_EQ(test, 0, nla_put(req->skb, IFLA_ADDRESS,
						 ETH_ALEN, addr));
	nla_nest_end(req->skb, nest);
}

/*
 * Send @req; return the error of its ack (0 or -errno) and
 * leave the extack message, if any, in ctx->msg.
 */
int nk2t_req_send(struct kunit *test, struct nk2t_req *req)
{
	struct nk2t_ctx *ctx = test->priv;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct nlattr *attrs, *attr;
	struct nlmsgerr *err;
	struct nlmsghdr *nlh;
	struct kvec iov;
	int len, alen;
	void *buf;

	if (req->data)
		nla_nest_end(req->skb, req->data);
	if (req->linkinfo)
		nla_nest_end(req->skb, req->linkinfo);
	nlmsg_end(req->skb, req->nlh);

	iov.iov_base = req->skb->data;
	iov.iov_len = req->skb->len;
	len = kernel_sendmsg(ctx->sock, &msg, &iov, 1, iov.iov_len);
	KUNIT_ASSERT_EQ(test, len, (int)req->skb->len);

	buf = kunit_kzalloc(test, NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	iov.iov_base = buf;
	iov.iov_len = NLMSG_GOODSIZE;
	memset(&msg, 0, sizeof(msg));
	/* rtnetlink answers before sendmsg returns. */
	len = kernel_recvmsg(ctx->sock, &msg, &iov, 1, NLMSG_GOODSIZE,
			     MSG_DONTWAIT);
	KUNIT_ASSERT_GE(test, len, (int)(NLMSG_HDRLEN + sizeof(*err)));

	nlh = buf;
	KUNIT_ASSERT_TRUE(test, nlmsg_ok(nlh, len));
	KUNIT_ASSERT_EQ(test, nlh->nlmsg_type, NLMSG_ERROR);
	KUNIT_ASSERT_EQ(test, nlh->nlmsg_seq, ctx->seq);
	err = nlmsg_data(nlh);

	ctx->msg[0] = '\0';
	ctx->off = -1;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* NETLINK_CAP_ACK: only the request's header is echoed. */
		KUNIT_ASSERT_TRUE(test, nlh->nlmsg_flags & NLM_F_CAPPED);
		attrs = (void *)err + sizeof(*err);
		alen = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*err);
		attr = nla_find(attrs, alen, NLMSGERR_ATTR_MSG);
		if (attr)
			nla_strscpy(ctx->msg, attr, sizeof(ctx->msg));
		attr = nla_find(attrs, alen, NLMSGERR_ATTR_OFFS);
		if (attr)
			ctx->off = nla_get_u32(attr);
	}
	return err->error;
}

struct nk2t_req *nk2t_newlink(struct kunit *test, const char *ifname)
{
	struct nk2t_req *req;

	req = nk2t_req_new(test, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
			   ifname, 0);
	nk2t_req_data(test, req);
	return req;
}

struct nk2t_req *nk2t_changelink(struct kunit *test, const char *ifname)
{
	struct nk2t_req *req;

	req = nk2t_req_new(test, RTM_NEWLINK, 0, ifname, 0);
	nk2t_req_data(test, req);
	return req;
}

int nk2t_dellink(struct kunit *test, const char *ifname)
{
	return nk2t_req_send(test, nk2t_req_new(test, RTM_DELLINK, 0, ifname, 0));
}

/* The default policy of @ifname, changed through rtnetlink. */
void nk2t_set_policy(struct kunit *test, const char *ifname, int policy)
{
	struct nk2t_req *req = nk2t_changelink(test, ifname);

	nk2t_put_u32(test, req, IFLA_NETKIT2_POLICY, policy);
	KUNIT_ASSERT_EQ(test, nk2t_req_send(test, req), 0);
}

/* --- devices ----------------------------------------------------------- */

bool nk2t_exists(struct net *net, const char *ifname)
{
	bool found;

	rtnl_lock();
	found = __dev_get_by_name(net, ifname);
	rtnl_unlock();
	return found;
}

/* Cleanup action: delete the device by name if a test left it behind. */
static void nk2t_del_action(void *ifname)
{
	struct net_device *dev;
	LIST_HEAD(kill);

	rtnl_lock();
	dev = __dev_get_by_name(&init_net, ifname);
	if (dev && netkit2_is_netkit2(dev)) {
		dev->rtnl_link_ops->dellink(dev, &kill);
		unregister_netdevice_many(&kill);
	}
	rtnl_unlock();
}

void nk2t_cleanup(struct kunit *test, const char *ifname)
{
	int err;

	err = kunit_add_action_or_reset(test, nk2t_del_action, (void *)ifname);
	KUNIT_ASSERT_EQ(test, 0, err);
}

/* Create a pair ("netkit2 peer name @peer"), or a single device. */
void nk2t_create(struct kunit *test, const char *ifname, const char *peer,
		 int mode, int scrub, int peer_scrub)
{
	struct nk2t_req *req = nk2t_newlink(test, ifname);

	nk2t_put_u32(test, req, IFLA_NETKIT2_MODE, mode);
	if (peer) {
		nk2t_put_u32(test, req, IFLA_NETKIT2_SCRUB, scrub);
		nk2t_put_u32(test, req, IFLA_NETKIT2_PEER_SCRUB, peer_scrub);
		nk2t_put_peer(test, req, peer, NULL);
	} else {
		nk2t_put_u32(test, req, IFLA_NETKIT2_PAIRING,
			     NETKIT2_DEVICE_SINGLE);
	}
	nk2t_cleanup(test, ifname);
	KUNIT_ASSERT_EQ_MSG(test, nk2t_req_send(test, req), 0, "%s",
			    ((struct nk2t_ctx *)test->priv)->msg);
}

/* A pair that scrubs on both sides, as a pair does by default. */
void nk2t_create_pair(struct kunit *test, const char *ifname,
		      const char *peer, int mode)
{
	nk2t_create(test, ifname, peer, mode, NETKIT2_SCRUB_DEFAULT,
		    NETKIT2_SCRUB_DEFAULT);
}

#ifdef NK2T_NETNS
static void nk2t_put_net_action(void *net)
{
	put_net(net);
}
#endif

/* A fresh network namespace, released when the test ends. */
struct net *nk2t_new_net(struct kunit *test)
{
#ifdef NK2T_NETNS
	struct net *net;
	int err;

	net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
	err = kunit_add_action_or_reset(test, nk2t_put_net_action, net);
	KUNIT_ASSERT_EQ(test, 0, err);
	return net;
#else
	kunit_skip(test, "needs CONFIG_NET_NS and a built-in netkit2");
	return NULL;
#endif
}

/* @ifname in @net, under RTNL; a missing device ends the test. */
struct net_device *nk2t_get(struct kunit *test, struct net *net,
			    const char *ifname)
{
	struct net_device *dev;

	ASSERT_RTNL();
	dev = __dev_get_by_name(net, ifname);
	if (!dev) {
		rtnl_unlock();
		KUNIT_FAIL_AND_ABORT(test, "no device %s", ifname);
	}
	return dev;
}

/*
 * Keep IPv6 off the test devices: its autoconfiguration traffic (RS, DAD,
 * MLD) would go through the pair and make the counters unpredictable.
 */
static void nk2t_quiet(struct net_device *dev)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct inet6_dev *idev = __in6_dev_get(dev);

	if (idev)
		WRITE_ONCE(idev->cnf.disable_ipv6, 1);
#endif
}

void nk2t_open(struct kunit *test, struct net *net, const char *ifname)
{
	struct net_device *dev;
	int err;

	rtnl_lock();
	dev = nk2t_get(test, net, ifname);
	nk2t_quiet(dev);
	err = dev_open(dev, NULL);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

void nk2t_stats(struct kunit *test, struct net *net, const char *ifname,
		struct rtnl_link_stats64 *st)
{
	rtnl_lock();
	dev_get_stats(nk2t_get(test, net, ifname), st);
	rtnl_unlock();
}

void nk2t_mac_of(struct kunit *test, struct net *net, const char *ifname,
		 u8 *mac)
{
	rtnl_lock();
	ether_addr_copy(mac, nk2t_get(test, net, ifname)->dev_addr);
	rtnl_unlock();
}

/* --- frames ------------------------------------------------------------ */

static int nk2t_tap_rcv(struct sk_buff *skb, struct net_device *dev,
			struct packet_type *pt, struct net_device *orig_dev)
{
	struct nk2t_tap *tap = container_of(pt, struct nk2t_tap, pt);

	if (skb->protocol == htons(NK2T_ETH_P) && !tap->count++) {
		tap->dev = skb->dev;
		tap->mark = skb->mark;
		tap->priority = skb->priority;
		tap->pkt_type = skb->pkt_type;
		tap->tstamp = skb->tstamp;
		tap->mac_at_eth = skb_mac_header_was_set(skb) &&
				  skb_mac_header(skb) + ETH_HLEN == skb->data;
		tap->mac_len = skb->mac_len;
		tap->len = skb->len;
		tap->protocol = skb->protocol;
		ether_addr_copy(tap->dest, eth_hdr(skb)->h_dest);
		complete(&tap->done);
	}
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

static void nk2t_tap_remove(void *pt)
{
	dev_remove_pack(pt);
}

struct nk2t_tap *nk2t_tap_add(struct kunit *test, struct net *net,
			      const char *ifname)
{
	struct nk2t_tap *tap;
	int err;

	tap = kunit_kzalloc(test, sizeof(*tap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tap);
	init_completion(&tap->done);
	tap->pt.type = htons(ETH_P_ALL);
	tap->pt.func = nk2t_tap_rcv;
	rtnl_lock();
	tap->pt.dev = nk2t_get(test, net, ifname);
	rtnl_unlock();
	/* Removed before the device goes: actions run last-in first-out. */
	dev_add_pack(&tap->pt);
	err = kunit_add_action_or_reset(test, nk2t_tap_remove, &tap->pt);
	KUNIT_ASSERT_EQ(test, 0, err);
	return tap;
}

bool nk2t_tap_wait(struct nk2t_tap *tap, unsigned int ms)
{
	return wait_for_completion_timeout(&tap->done, msecs_to_jiffies(ms));
}

/*
 * An L2 pair @dev / @peer in init_net, both up, with a tap on the peer;
 * @peer_mac gets the peer's address.
 */
struct nk2t_tap *nk2t_pair_tap(struct kunit *test, const char *dev,
			       const char *peer, u8 *peer_mac)
{
	nk2t_create_pair(test, dev, peer, NETKIT2_L2);
	nk2t_open(test, &init_net, dev);
	nk2t_open(test, &init_net, peer);
	nk2t_mac_of(test, &init_net, peer, peer_mac);
	return nk2t_tap_add(test, &init_net, peer);
}

/*
 * Transmit one frame of EtherType @proto to @dest on @ifname, as the
 * stack would.
 */
netdev_tx_t nk2t_xmit_proto(struct kunit *test, struct net *net,
			    const char *ifname, const u8 *dest, u16 proto)
{
	struct net_device *dev;
	struct sk_buff *skb;
	struct ethhdr *eth;
	netdev_tx_t ret;

	rtnl_lock();
	dev = nk2t_get(test, net, ifname);
	dev_hold(dev);
	rtnl_unlock();

	skb = alloc_skb(NET_SKB_PAD + ETH_HLEN + NK2T_PAYLOAD, GFP_KERNEL);
	if (!skb) {
		dev_put(dev);
		KUNIT_FAIL_AND_ABORT(test, "no skb");
	}
	skb_reserve(skb, NET_SKB_PAD);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, dest);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(proto);
	memset(skb_put(skb, NK2T_PAYLOAD), 0x5a, NK2T_PAYLOAD);
	skb->dev = dev;
	skb->protocol = htons(proto);
	skb->mark = NK2T_MARK;
	skb->priority = NK2T_PRIO;
	skb->tstamp = NK2T_TSTAMP;
	skb->pkt_type = PACKET_OUTGOING;
	/* Behind the Ethernet header, as the stack sets it before xmit. */
	skb_set_network_header(skb, ETH_HLEN);
	/* Somewhere other than the Ethernet header: xmit must reset it. */
	skb_set_mac_header(skb, 4);

	local_bh_disable();
	ret = dev->netdev_ops->ndo_start_xmit(skb, dev);
	local_bh_enable();	/* runs the peer's backlog */
	dev_put(dev);
	return ret;
}

netdev_tx_t nk2t_xmit(struct kunit *test, struct net *net,
		      const char *ifname, const u8 *dest)
{
	return nk2t_xmit_proto(test, net, ifname, dest, NK2T_ETH_P);
}

/* --- programs ---------------------------------------------------------- */

#ifdef NK2T_BPF
static void nk2t_prog_put_action(void *prog)
{
	bpf_prog_put(prog);
}
#endif

/*
 * Load @insns as a SCHED_CLS program. The test holds one reference,
 * dropped when it ends; attaching takes another one (nk2t_attach()).
 */
struct bpf_prog *nk2t_prog_load(struct kunit *test,
				const struct bpf_insn *insns, u32 cnt)
{
#ifdef NK2T_BPF
	struct bpf_prog *prog;
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = cnt;
	attr.license = (unsigned long)"GPL";
	fd = kern_sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "BPF_PROG_LOAD");
	prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_SCHED_CLS, false);
	/*
	 * A kernel thread's last fput() is deferred: finish it here, so
	 * that from now on the test's reference is the only one.
	 */
	close_fd(fd);
	flush_delayed_fput();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(prog));
	err = kunit_add_action_or_reset(test, nk2t_prog_put_action, prog);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NE(test, prog->aux->id, 0);
	return prog;
#else
	kunit_skip(test, "needs CONFIG_BPF_SYSCALL and a built-in netkit2");
	return NULL;
#endif
}

/* A program that returns @verdict. */
struct bpf_prog *nk2t_prog_ret(struct kunit *test, int verdict)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, verdict),
		BPF_EXIT_INSN(),
	};

	return nk2t_prog_load(test, insns, ARRAY_SIZE(insns));
}

/*
 * One attach (@attach) or detach request to the engine, under RTNL. The
 * arrays it replaced have put their references once it returns, so that
 * the cases can count them.
 */
static int nk2t_prog_req(struct net_device *dev, bool attach,
			 const struct netkit2_prog_req *req)
{
	int err;

	rtnl_lock();
	if (attach)
		err = netkit2_prog_attach(dev, req);
	else
		err = netkit2_prog_detach(dev, req);
	rtnl_unlock();
	netkit2_prog_barrier();
	return err;
}

static void nk2t_owner_action(void *owner)
{
	nk2t_owner_close(owner);
}

struct nk2t_owner *nk2t_owner_open(struct kunit *test, struct net *net,
				   u32 portid)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_pid = portid,
	};
	struct nk2t_owner *owner;
	int err;

	owner = kunit_kzalloc(test, sizeof(*owner), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, owner);
	err = sock_create_kern(net, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC,
			       &owner->sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = kernel_bind(owner->sock, (struct sockaddr *)&addr, sizeof(addr));
	if (err)
		sock_release(owner->sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	owner->portid = portid;
	err = kunit_add_action_or_reset(test, nk2t_owner_action, owner);
	KUNIT_ASSERT_EQ(test, err, 0);
	return owner;
}

/*
 * Release @owner's socket (once): the netlink core announces it, and
 * netkit2 detaches what it owned.
 */
void nk2t_owner_close(struct nk2t_owner *owner)
{
	if (!owner->sock)
		return;
	sock_release(owner->sock);
	owner->sock = NULL;
	netkit2_prog_barrier();
}

int nk2t_attach(struct net_device *dev, struct bpf_prog *prog, u32 flags,
		u32 rel_id, u32 replace_id, u64 revision,
		const struct nk2t_owner *owner)
{
	struct netkit2_prog_req req = {
		.prog = prog,
		.flags = flags,
		.rel_id = rel_id,
		.replace_id = replace_id,
		.expected_revision = revision,
	};
	int err;

	if (owner) {
		req.owner_sk = owner->sock->sk;
		req.owner_portid = owner->portid;
	}
	/* The array takes this reference only on success. */
	bpf_prog_inc(prog);
	err = nk2t_prog_req(dev, true, &req);
	if (err)
		bpf_prog_put(prog);
	return err;
}

int nk2t_detach(struct net_device *dev, struct bpf_prog *prog, u32 prog_id,
		u32 flags, u32 rel_id, u64 revision)
{
	const struct netkit2_prog_req req = {
		.prog = prog,
		.prog_id = prog_id,
		.flags = flags,
		.rel_id = rel_id,
		.expected_revision = revision,
	};

	return nk2t_prog_req(dev, false, &req);
}
