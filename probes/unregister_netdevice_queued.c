// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>

bool probe(const struct net_device *dev);
bool probe(const struct net_device *dev)
{
	return unregister_netdevice_queued(dev);
}
