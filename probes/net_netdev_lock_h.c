// SPDX-License-Identifier: GPL-2.0
/*
 * Instance-lock helpers, lockdep classes among them, have their own
 * header.
 *
 * First in: Linux 6.15 ("net: move misc netdev_lock flavors to a
 * separate header").
 */
#include <net/netdev_lock.h>

void probe(struct net_device *dev);
void probe(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
}
