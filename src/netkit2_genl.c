// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: generic netlink family "netkit2", the control path of programs.
 *
 * A module cannot take part in the bpf() syscall's attach commands, so the
 * programs of a pair are attached, detached and listed over this family.
 * Requests name the pair by its primary device, as seen from the caller's
 * network namespace; the side inside the pod (the peer) cannot change
 * what runs on the pair. Every change is announced to the "changes"
 * group of the primary's namespace.
 *
 * An attachment may be owned by the netlink socket that made it: it is
 * detached when that socket is closed, so a crashed agent leaves nothing
 * behind. Attachments without an owner stay until detached or until the
 * device goes.
 */

#include <linux/bpf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netkit2.h"

static struct genl_family netkit2_genl_family;

enum netkit2_genl_mcgrp {
	NETKIT2_MCGRP_CHANGES,
};

/*
 * The notifications carry what QUERY reports (program ids, owners,
 * revisions), so only listeners entitled to QUERY may join: CAP_NET_ADMIN
 * in the user namespace owning the listener's network namespace.
 */
static const struct genl_multicast_group netkit2_genl_mcgrps[] = {
	[NETKIT2_MCGRP_CHANGES] = {
		.name	= NETKIT2_GENL_MCGRP_CHANGES,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

/*
 * The device of the side a request addresses. Errors as the kernel's
 * netkit attach: ENXIO for another kind, EACCES when the request names the
 * peer itself, EOPNOTSUPP for a single device.
 */
static struct net_device *netkit2_genl_dev(struct genl_info *info,
					   struct net_device **primary,
					   u32 *target)
{
	struct nlattr *ifindex = info->attrs[NETKIT2_A_IFINDEX];
	struct nlattr *tattr = info->attrs[NETKIT2_A_TARGET];
	struct net_device *dev;
	struct netkit2 *nk;

	ASSERT_RTNL();
	if (!ifindex) {
		NL_SET_ERR_MSG(info->extack, "missing NETKIT2_A_IFINDEX");
		return ERR_PTR(-EINVAL);
	}
	*target = tattr ? nla_get_u32(tattr) : NETKIT2_TARGET_PRIMARY;

	dev = __dev_get_by_index(genl_info_net(info), nla_get_u32(ifindex));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!netkit2_is_netkit2(dev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex,
				    "not a netkit2 device");
		return ERR_PTR(-ENXIO);
	}
	nk = netkit2_priv(dev);
	if (!nk->primary) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex,
				    "programs are managed through the primary device");
		return ERR_PTR(-EACCES);
	}
	if (nk->pairing == NETKIT2_DEVICE_SINGLE) {
		NL_SET_ERR_MSG_ATTR(info->extack, ifindex,
				    "a single device runs no programs");
		return ERR_PTR(-EOPNOTSUPP);
	}
	*primary = dev;
	if (*target == NETKIT2_TARGET_PEER) {
		dev = rtnl_dereference(nk->peer);
		if (!dev) {
			NL_SET_ERR_MSG(info->extack, "the pair has no peer");
			return ERR_PTR(-ENODEV);
		}
	}
	return dev;
}

/*
 * A program named by a file descriptor or an id attribute, as an id. 0
 * when neither is there; an id attribute of 0 names no program.
 */
static int netkit2_genl_prog_id(struct genl_info *info, int fd_attr,
				int id_attr, u32 *id)
{
	struct nlattr *fd = info->attrs[fd_attr];
	struct nlattr *ida = info->attrs[id_attr];
	struct bpf_prog *prog;

	*id = 0;
	if (fd && ida) {
		NL_SET_ERR_MSG_ATTR(info->extack, ida,
				    "a program by fd or by id, not both");
		return -EINVAL;
	}
	if (ida) {
		*id = nla_get_u32(ida);
		return *id ? 0 : -ENOENT;
	}
	if (!fd)
		return 0;
	prog = bpf_prog_get_type_dev(nla_get_s32(fd), BPF_PROG_TYPE_SCHED_CLS,
				     false);
	if (IS_ERR(prog)) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "not a sched_cls program");
		return PTR_ERR(prog);
	}
	*id = prog->aux->id;
	bpf_prog_put(prog);
	return 0;
}

/*
 * The programs of @dev and their revision. An empty list reports revision
 * 1, whatever the number of changes before, as the kernel's multi-program
 * query does: attach with an expected revision still compares against the
 * real count of changes.
 */
static int netkit2_genl_fill(struct sk_buff *msg, struct net_device *primary,
			     u32 target, struct net_device *dev,
			     u32 portid, u32 seq, u8 cmd)
{
	const struct netkit2_progs *progs = netkit2_progs_rtnl(dev);
	unsigned int i, n = progs ? progs->count : 0;
	struct nlattr *ids, *owners;
	u64 revision = 1;
	void *hdr;

	if (n)
		revision = netkit2_prog_revision(dev);
	hdr = genlmsg_put(msg, portid, seq, &netkit2_genl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NETKIT2_A_IFINDEX, primary->ifindex) ||
	    nla_put_u32(msg, NETKIT2_A_TARGET, target) ||
	    nla_put_u64_64bit(msg, NETKIT2_A_REVISION, revision,
			      NETKIT2_A_PAD))
		goto cancel;
	ids = nla_reserve(msg, NETKIT2_A_PROG_IDS, n * sizeof(u32));
	owners = nla_reserve(msg, NETKIT2_A_PROG_OWNERS, n * sizeof(u32));
	if (!ids || !owners)
		goto cancel;
	for (i = 0; i < n; i++) {
		((u32 *)nla_data(ids))[i] = progs->prog[i]->aux->id;
		((u32 *)nla_data(owners))[i] =
			netkit2_progs_owner_portid(progs, i);
	}
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static void netkit2_genl_notify(struct net_device *primary, u32 target,
				struct net_device *dev, u8 cmd)
{
	struct net *net = dev_net(primary);
	struct sk_buff *msg;

	if (!genl_has_listeners(&netkit2_genl_family, net,
				NETKIT2_MCGRP_CHANGES))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (netkit2_genl_fill(msg, primary, target, dev, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&netkit2_genl_family, net, msg, 0,
				NETKIT2_MCGRP_CHANGES, GFP_KERNEL);
}

static void netkit2_genl_req_init(struct genl_info *info,
				  struct netkit2_prog_req *req)
{
	struct nlattr **tb = info->attrs;

	memset(req, 0, sizeof(*req));
	if (tb[NETKIT2_A_FLAGS])
		req->flags = nla_get_u32(tb[NETKIT2_A_FLAGS]);
	if (tb[NETKIT2_A_EXPECTED_REVISION])
		req->expected_revision =
			nla_get_u64(tb[NETKIT2_A_EXPECTED_REVISION]);
}

static int netkit2_genl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *fd = info->attrs[NETKIT2_A_PROG_FD];
	struct net_device *dev, *primary;
	struct netkit2_prog_req req;
	struct bpf_prog *prog;
	u32 target;
	int err;

	if (!fd) {
		NL_SET_ERR_MSG(info->extack, "missing NETKIT2_A_PROG_FD");
		return -EINVAL;
	}
	netkit2_genl_req_init(info, &req);
	err = netkit2_genl_prog_id(info, NETKIT2_A_RELATIVE_FD,
				   NETKIT2_A_RELATIVE_ID, &req.rel_id);
	if (err)
		return err;
	err = netkit2_genl_prog_id(info, NETKIT2_A_REPLACE_FD,
				   NETKIT2_A_REPLACE_ID, &req.replace_id);
	if (err)
		return err;
	if (!!(req.flags & NETKIT2_F_REPLACE) != !!req.replace_id) {
		NL_SET_ERR_MSG(info->extack,
			       "NETKIT2_F_REPLACE goes with the program it replaces");
		return -EINVAL;
	}
	if (info->attrs[NETKIT2_A_OWNED]) {
		req.owner_sk = NETLINK_CB(skb).sk;
		req.owner_portid = info->snd_portid;
	}
	prog = bpf_prog_get_type_dev(nla_get_s32(fd), BPF_PROG_TYPE_SCHED_CLS,
				     false);
	if (IS_ERR(prog)) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd, "not a sched_cls program");
		return PTR_ERR(prog);
	}
	req.prog = prog;

	rtnl_lock();
	dev = netkit2_genl_dev(info, &primary, &target);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	err = netkit2_prog_attach(dev, &req);
	if (!err) {
		prog = NULL;
		netkit2_genl_notify(primary, target, dev, NETKIT2_CMD_ATTACH);
	}
out:
	rtnl_unlock();
	if (prog)
		bpf_prog_put(prog);
	return err;
}

static int netkit2_genl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev, *primary;
	struct netkit2_prog_req req;
	u32 target;
	int err;

	netkit2_genl_req_init(info, &req);
	if (info->attrs[NETKIT2_A_REPLACE_FD] ||
	    info->attrs[NETKIT2_A_REPLACE_ID] || info->attrs[NETKIT2_A_OWNED]) {
		NL_SET_ERR_MSG(info->extack,
			       "replace and owned apply to attach only");
		return -EINVAL;
	}
	err = netkit2_genl_prog_id(info, NETKIT2_A_PROG_FD, NETKIT2_A_PROG_ID,
				   &req.prog_id);
	if (err)
		return err;
	err = netkit2_genl_prog_id(info, NETKIT2_A_RELATIVE_FD,
				   NETKIT2_A_RELATIVE_ID, &req.rel_id);
	if (err)
		return err;

	rtnl_lock();
	dev = netkit2_genl_dev(info, &primary, &target);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	err = netkit2_prog_detach(dev, &req);
	if (!err)
		netkit2_genl_notify(primary, target, dev, NETKIT2_CMD_DETACH);
out:
	rtnl_unlock();
	return err;
}

static int netkit2_genl_query(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev, *primary;
	struct sk_buff *msg;
	u32 target;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	dev = netkit2_genl_dev(info, &primary, &target);
	if (IS_ERR(dev))
		err = PTR_ERR(dev);
	else
		err = netkit2_genl_fill(msg, primary, target, dev,
					info->snd_portid, info->snd_seq,
					NETKIT2_CMD_QUERY);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The primary and side a device's programs are reported under. */
static struct net_device *netkit2_genl_side(struct net_device *dev,
					    u32 *target)
{
	struct netkit2 *nk = netkit2_priv(dev);

	*target = nk->primary ? NETKIT2_TARGET_PRIMARY : NETKIT2_TARGET_PEER;
	return nk->primary ? dev : rtnl_dereference(nk->peer);
}

/* A socket's release changed the programs of @dev. */
static void netkit2_genl_released(struct net_device *dev)
{
	struct net_device *primary;
	u32 target;

	primary = netkit2_genl_side(dev, &target);
	if (primary)
		netkit2_genl_notify(primary, target, dev, NETKIT2_CMD_DETACH);
}

/*
 * A netlink socket is released: detach what it owned. Most sockets own
 * nothing, and any user can close sockets in a loop: RTNL is taken only
 * for one that does.
 */
static int netkit2_genl_urelease(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	if (!netkit2_prog_sock_owns(n->net, n->portid))
		return NOTIFY_DONE;

	rtnl_lock();
	netkit2_prog_release_sock(n->net, n->portid, netkit2_genl_released);
	rtnl_unlock();
	return NOTIFY_OK;
}

/*
 * A pair is being deleted (by request, with a namespace or with the
 * module): tell the primary's namespace which programs each side loses.
 * Called from dellink while the two devices still know each other; the
 * programs themselves are released when the devices are unregistered,
 * under the same RTNL section, so nothing changes in between.
 */
void netkit2_genl_notify_release(struct net_device *dev)
{
	struct net_device *primary, *side;
	u32 target;

	ASSERT_RTNL();
	if (netkit2_priv(dev)->pairing == NETKIT2_DEVICE_SINGLE)
		return;
	primary = netkit2_genl_side(dev, &target);
	if (!primary)
		return;
	side = primary;
	for (target = NETKIT2_TARGET_PRIMARY; target <= NETKIT2_TARGET_PEER;
	     target++) {
		if (target == NETKIT2_TARGET_PEER)
			side = rtnl_dereference(netkit2_priv(primary)->peer);
		if (!side || !netkit2_progs_rtnl(side))
			continue;
		netkit2_genl_notify(primary, target, side, NETKIT2_CMD_RELEASE);
	}
}

static struct notifier_block netkit2_genl_nb = {
	.notifier_call	= netkit2_genl_urelease,
};

static const struct nla_policy netkit2_genl_policy[NETKIT2_A_MAX + 1] = {
	[NETKIT2_A_IFINDEX]		= { .type = NLA_U32 },
	[NETKIT2_A_TARGET]		= NLA_POLICY_MAX(NLA_U32, NETKIT2_TARGET_PEER),
	[NETKIT2_A_PROG_FD]		= { .type = NLA_S32 },
	[NETKIT2_A_PROG_ID]		= { .type = NLA_U32 },
	[NETKIT2_A_RELATIVE_FD]		= { .type = NLA_S32 },
	[NETKIT2_A_RELATIVE_ID]		= { .type = NLA_U32 },
	[NETKIT2_A_REPLACE_FD]		= { .type = NLA_S32 },
	[NETKIT2_A_REPLACE_ID]		= { .type = NLA_U32 },
	[NETKIT2_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, NETKIT2_F_MASK),
	[NETKIT2_A_EXPECTED_REVISION]	= { .type = NLA_U64 },
	[NETKIT2_A_OWNED]		= { .type = NLA_FLAG },
	[NETKIT2_A_REVISION]		= { .type = NLA_REJECT },
	[NETKIT2_A_PROG_IDS]		= { .type = NLA_REJECT },
	[NETKIT2_A_PROG_OWNERS]		= { .type = NLA_REJECT },
};

/* Reading the programs of a pod's device is as privileged as changing. */
static const struct genl_small_ops netkit2_genl_ops[] = {
	{
		.cmd	= NETKIT2_CMD_ATTACH,
		.doit	= netkit2_genl_attach,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= NETKIT2_CMD_DETACH,
		.doit	= netkit2_genl_detach,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= NETKIT2_CMD_QUERY,
		.doit	= netkit2_genl_query,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family netkit2_genl_family __ro_after_init = {
	.name		= NETKIT2_GENL_NAME,
	.version	= NETKIT2_GENL_VERSION,
	.maxattr	= NETKIT2_A_MAX,
	.policy		= netkit2_genl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= netkit2_genl_ops,
	.n_small_ops	= ARRAY_SIZE(netkit2_genl_ops),
	.resv_start_op	= NETKIT2_CMD_MAX + 1,
	.mcgrps		= netkit2_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(netkit2_genl_mcgrps),
};

int __init netkit2_genl_init(void)
{
	int err;

	err = netlink_register_notifier(&netkit2_genl_nb);
	if (err)
		return err;
	err = genl_register_family(&netkit2_genl_family);
	if (err)
		goto err_notifier;
	return 0;

err_notifier:
	netlink_unregister_notifier(&netkit2_genl_nb);
	return err;
}

void netkit2_genl_exit(void)
{
	genl_unregister_family(&netkit2_genl_family);
	netlink_unregister_notifier(&netkit2_genl_nb);
}
