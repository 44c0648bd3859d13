// SPDX-License-Identifier: GPL-2.0
/*
 * The device declares how it handles net_iov (devmem) TX buffers.
 *
 * First in: Linux 7.2 ("net: convert netmem_tx flag to enum").
 */
#include <linux/netdevice.h>

void probe(struct net_device *dev);
void probe(struct net_device *dev)
{
	dev->netmem_tx = NETMEM_TX_NO_DMA;
}
