// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink parses and validates the peer's attributes itself (peer_type)
 * and hands newlink the peer's namespace in struct rtnl_newlink_params.
 *
 * First in: Linux 6.15 ("rtnetlink: Pack newlink() params into struct";
 * peer_type alone since 6.14).
 */
#include <net/rtnetlink.h>

static int probe_newlink(struct net_device *dev,
			 struct rtnl_newlink_params *params,
			 struct netlink_ext_ack *extack)
{
	return rtnl_newlink_peer_net(params) ? 0 : -EINVAL;
}

struct rtnl_link_ops probe_ops = {
	.peer_type	= 1,
	.newlink	= probe_newlink,
};
