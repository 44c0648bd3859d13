// SPDX-License-Identifier: GPL-2.0
/*
 * Lockless TX is a net_device flag rather than NETIF_F_LLTX.
 *
 * First in: Linux 6.12 ("netdev_features: convert NETIF_F_LLTX to
 * dev->lltx").
 */
#include <linux/netdevice.h>

void probe(struct net_device *dev);
void probe(struct net_device *dev)
{
	dev->lltx = true;
}
