// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel has rx queue management operations on net_device.
 *
 * First in: Linux 6.10 ("queue_api: define queue api").
 */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>

static const struct netdev_queue_mgmt_ops nicsim_probe_ops;

static void nicsim_probe_set(struct net_device *dev)
{
	dev->queue_mgmt_ops = &nicsim_probe_ops;
}

void (*const nicsim_probe)(struct net_device *dev) = nicsim_probe_set;
