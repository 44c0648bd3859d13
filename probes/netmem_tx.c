// SPDX-License-Identifier: GPL-2.0
/* The device declares how it handles net_iov (devmem) TX buffers. */
#include <linux/netdevice.h>

void probe(struct net_device *dev);
void probe(struct net_device *dev)
{
	dev->netmem_tx = NETMEM_TX_NO_DMA;
}
