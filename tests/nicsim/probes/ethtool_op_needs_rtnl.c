// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool runs a device's operations under its instance lock alone where
 * the device has one, unless the driver asks for RTNL too: a channel
 * count change needs it for the root qdisc.
 *
 * First in: Linux 7.2 ("net: ethtool: let ops-locked drivers run without
 * rtnl_lock").
 */
#include <linux/ethtool.h>

const struct ethtool_ops nicsim_probe_ops = {
	.op_needs_rtnl	= ETHTOOL_OP_NEEDS_RTNL_SCHANNELS,
};
