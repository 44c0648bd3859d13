// SPDX-License-Identifier: GPL-2.0
/*
 * A virtual device creates rx queues on request (ndo_queue_create) and the
 * core leases a physical device's rx queue to each of them: struct
 * netdev_rx_queue links the two through ->lease, and the core has the
 * function that ends a lease. Whether that function is exported to modules
 * is a separate question (queue_lease_syms.sym).
 *
 * First in: Linux 7.1 ("net: Add queue-create operation").
 */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>
#include <net/netdev_rx_queue.h>

static int probe_queue_create(struct net_device *dev,
			      struct netlink_ext_ack *extack)
{
	struct netdev_rx_queue *rxq = __netif_get_rx_queue(dev, 0);

	if (rxq->lease)
		netdev_rx_queue_unlease(rxq, rxq->lease);
	return dev->real_num_rx_queues;
}

const struct netdev_queue_mgmt_ops probe_ops = {
	.ndo_queue_create = probe_queue_create,
};
