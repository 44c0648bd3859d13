// SPDX-License-Identifier: GPL-2.0
/*
 * A queue's DMA device comes from the driver (ndo_queue_get_dma_dev).
 *
 * First in: Linux 6.18 ("queue_api: add support for fetching per queue
 * DMA dev").
 */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>

static struct device *nicsim_probe_dma_dev(struct net_device *dev, int idx)
{
	return dev->dev.parent;
}

const struct netdev_queue_mgmt_ops nicsim_probe_ops = {
	.ndo_queue_get_dma_dev	= nicsim_probe_dma_dev,
};
