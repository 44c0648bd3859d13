// SPDX-License-Identifier: GPL-2.0
/*
 * RX mode updates may be deferred through ndo_set_rx_mode_async.
 *
 * First in: the int-returning form: Linux 7.2 or 7.3 (7.1 has the
 * callback returning void, which this does not take).
 */
#include <linux/netdevice.h>

static int probe_rx_mode(struct net_device *dev,
			 struct netdev_hw_addr_list *uc,
			 struct netdev_hw_addr_list *mc)
{
	return 0;
}

const struct net_device_ops probe_ops = {
	.ndo_set_rx_mode_async = probe_rx_mode,
};
