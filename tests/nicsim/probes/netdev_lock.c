// SPDX-License-Identifier: GPL-2.0
/*
 * Devices with queue management operations run them under the instance
 * lock.
 *
 * First in: Linux 6.15 (in <linux/netdevice.h> since 6.14).
 */
#include <linux/netdevice.h>
#include <net/netdev_lock.h>

static void nicsim_probe_locked(struct net_device *dev)
{
	netdev_assert_locked(dev);
}

void (*const nicsim_probe)(struct net_device *dev) = nicsim_probe_locked;
