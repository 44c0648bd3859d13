// SPDX-License-Identifier: GPL-2.0
/*
 * nicsim: a test-only ethernet NIC for the rx queue lease and zero-copy
 * receive tests of netkit2.
 *
 * Each device hangs off a platform device with a 64-bit DMA mask, so the
 * core's zero-copy set-ups (devmem dma-buf bindings, io_uring zero-copy
 * receive areas) can map memory for it with direct mapping, and offers
 * the rx queue management operations: every rx queue has a page_pool
 * created with the queue's memory provider parameters, which a queue
 * restart replaces. Frames sent are counted and freed; nothing is ever
 * received.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <net/netdev_queues.h>
#include <net/page_pool/types.h>

#include "nicsim_probes.h"

#ifdef NICSIM_HAVE_NETDEV_LOCK
#include <net/netdev_lock.h>
#endif

#define NICSIM_MAX_DEVICES	8
#define NICSIM_MAX_QUEUES	16
#define NICSIM_POOL_SIZE	256

static unsigned int devices = 1;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "Number of nicsim devices (1-8, default 1)");

static unsigned int queues = 4;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Rx and tx queues of each device (1-16, default 4)");

struct nicsim_priv {
	struct platform_device *pdev;
	/* The page_pool of each rx queue; set while the device is up. */
	struct page_pool *pools[NICSIM_MAX_QUEUES];
	u8 tcp_data_split;
};

/* What the queue management operations hand between their steps. */
struct nicsim_queue_mem {
	struct page_pool *pool;
};

static struct net_device *nicsim_devs[NICSIM_MAX_DEVICES];

/* Queue state changes under the lock the core takes for this device:
 * the instance lock where the kernel has one, RTNL before that.
 */
static void nicsim_assert_locked(struct net_device *dev)
{
#ifdef NICSIM_HAVE_NETDEV_LOCK
	netdev_assert_locked(dev);
#else
	ASSERT_RTNL();
#endif
}

/* A pool for rx queue IDX that takes the queue's memory provider, if one
 * is installed, in place of kernel pages: that is how a dma-buf binding
 * or an io_uring area reaches the queue when the core restarts it.
 */
static struct page_pool *nicsim_pool_create(struct net_device *dev, int idx)
{
	struct page_pool_params pp = {
		.flags		= PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV |
				  PP_FLAG_ALLOW_UNREADABLE_NETMEM,
		.order		= 0,
		.pool_size	= NICSIM_POOL_SIZE,
		.nid		= NUMA_NO_NODE,
		.dev		= dev->dev.parent,
		.dma_dir	= DMA_FROM_DEVICE,
		.max_len	= PAGE_SIZE,
		.netdev		= dev,
		.queue_idx	= idx,
	};

	nicsim_assert_locked(dev);
	return page_pool_create(&pp);
}

static void nicsim_pools_destroy(struct net_device *dev, unsigned int from,
				 unsigned int to)
{
	struct nicsim_priv *priv = netdev_priv(dev);
	unsigned int i;

	for (i = from; i < to; i++) {
		if (priv->pools[i]) {
			page_pool_destroy(priv->pools[i]);
			priv->pools[i] = NULL;
		}
	}
}

static int nicsim_pools_create(struct net_device *dev, unsigned int from,
			       unsigned int to)
{
	struct nicsim_priv *priv = netdev_priv(dev);
	struct page_pool *pool;
	unsigned int i;

	for (i = from; i < to; i++) {
		if (priv->pools[i])
			continue;
		pool = nicsim_pool_create(dev, i);
		if (IS_ERR(pool)) {
			nicsim_pools_destroy(dev, from, i);
			return PTR_ERR(pool);
		}
		priv->pools[i] = pool;
	}
	return 0;
}

static int nicsim_open(struct net_device *dev)
{
	int err;

	err = nicsim_pools_create(dev, 0, dev->real_num_rx_queues);
	if (err)
		return err;
	netif_carrier_on(dev);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int nicsim_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	netif_carrier_off(dev);
	nicsim_pools_destroy(dev, 0, dev->num_rx_queues);
	return 0;
}

static netdev_tx_t nicsim_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_packets);
	DEV_STATS_ADD(dev, tx_bytes, skb->len);
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nicsim_netdev_ops = {
	.ndo_open		= nicsim_open,
	.ndo_stop		= nicsim_stop,
	.ndo_start_xmit		= nicsim_start_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void nicsim_get_drvinfo(struct net_device *dev,
			       struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(dev->dev.parent), sizeof(info->bus_info));
}

static void nicsim_get_channels(struct net_device *dev,
				struct ethtool_channels *ch)
{
	ch->max_combined = dev->num_rx_queues;
	ch->combined_count = dev->real_num_rx_queues;
}

/* The core has checked the count against the maximum and against queues
 * in use (memory providers, AF_XDP, leases) where it knows of them.
 */
static int nicsim_set_channels(struct net_device *dev,
			       struct ethtool_channels *ch)
{
	unsigned int old = dev->real_num_rx_queues, n = ch->combined_count;
	bool running = netif_running(dev);
	int err;

	if (running && n > old) {
		err = nicsim_pools_create(dev, old, n);
		if (err)
			return err;
	}
	err = netif_set_real_num_queues(dev, n, n);
	if (err) {
		if (running && n > old)
			nicsim_pools_destroy(dev, old, n);
		return err;
	}
	if (running && n < old)
		nicsim_pools_destroy(dev, n, old);
	return 0;
}

static void nicsim_get_ringparam(struct net_device *dev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct nicsim_priv *priv = netdev_priv(dev);

	kring->tcp_data_split = priv->tcp_data_split;
}

/* Only header split can be set (the ring sizes have no maximum): memory
 * providers need it on.
 */
static int nicsim_set_ringparam(struct net_device *dev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct nicsim_priv *priv = netdev_priv(dev);

	priv->tcp_data_split = kring->tcp_data_split;
	return 0;
}

static const struct ethtool_ops nicsim_ethtool_ops = {
#ifdef NICSIM_HAVE_ETHTOOL_OP_NEEDS_RTNL
	/* The root qdisc follows the tx queue count under RTNL. */
	.op_needs_rtnl		= ETHTOOL_OP_NEEDS_RTNL_SCHANNELS,
#endif
	.supported_ring_params	= ETHTOOL_RING_USE_TCP_DATA_SPLIT,
	.get_drvinfo		= nicsim_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_channels		= nicsim_get_channels,
	.set_channels		= nicsim_set_channels,
	.get_ringparam		= nicsim_get_ringparam,
	.set_ringparam		= nicsim_set_ringparam,
};

/* A restart of rx queue IDX: a new pool is made (taking the memory
 * provider the core has just set or cleared), the running queue's pool
 * is taken out and the new one put in, then the old one is freed.
 */
static int nicsim_qmem_alloc(struct net_device *dev, void *per_queue_mem,
			     int idx)
{
	struct nicsim_queue_mem *qmem = per_queue_mem;
	struct page_pool *pool;

	pool = nicsim_pool_create(dev, idx);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	qmem->pool = pool;
	return 0;
}

static void nicsim_queue_mem_free(struct net_device *dev, void *per_queue_mem)
{
	struct nicsim_queue_mem *qmem = per_queue_mem;

	if (qmem->pool) {
		page_pool_destroy(qmem->pool);
		qmem->pool = NULL;
	}
}

static int nicsim_qstart(struct net_device *dev, void *per_queue_mem, int idx)
{
	struct nicsim_queue_mem *qmem = per_queue_mem;
	struct nicsim_priv *priv = netdev_priv(dev);

	nicsim_assert_locked(dev);
	if (WARN_ON_ONCE(idx < 0 || idx >= dev->num_rx_queues || priv->pools[idx]))
		return -EINVAL;
	priv->pools[idx] = qmem->pool;
	qmem->pool = NULL;
	return 0;
}

static int nicsim_queue_stop(struct net_device *dev, void *per_queue_mem,
			     int idx)
{
	struct nicsim_queue_mem *qmem = per_queue_mem;
	struct nicsim_priv *priv = netdev_priv(dev);

	nicsim_assert_locked(dev);
	if (WARN_ON_ONCE(idx < 0 || idx >= dev->num_rx_queues))
		return -EINVAL;
	qmem->pool = priv->pools[idx];
	priv->pools[idx] = NULL;
	return 0;
}

#ifdef NICSIM_HAVE_QUEUE_QCFG
static int nicsim_queue_mem_alloc(struct net_device *dev,
				  struct netdev_queue_config *qcfg,
				  void *per_queue_mem, int idx)
{
	return nicsim_qmem_alloc(dev, per_queue_mem, idx);
}

static int nicsim_queue_start(struct net_device *dev,
			      struct netdev_queue_config *qcfg,
			      void *per_queue_mem, int idx)
{
	return nicsim_qstart(dev, per_queue_mem, idx);
}
#else
static int nicsim_queue_mem_alloc(struct net_device *dev, void *per_queue_mem,
				  int idx)
{
	return nicsim_qmem_alloc(dev, per_queue_mem, idx);
}

static int nicsim_queue_start(struct net_device *dev, void *per_queue_mem,
			      int idx)
{
	return nicsim_qstart(dev, per_queue_mem, idx);
}
#endif

#ifdef NICSIM_HAVE_QUEUE_GET_DMA_DEV
static struct device *nicsim_queue_get_dma_dev(struct net_device *dev, int idx)
{
	return dev->dev.parent;
}
#endif

static const struct netdev_queue_mgmt_ops nicsim_queue_mgmt_ops = {
	.ndo_queue_mem_size	= sizeof(struct nicsim_queue_mem),
	.ndo_queue_mem_alloc	= nicsim_queue_mem_alloc,
	.ndo_queue_mem_free	= nicsim_queue_mem_free,
	.ndo_queue_start	= nicsim_queue_start,
	.ndo_queue_stop		= nicsim_queue_stop,
#ifdef NICSIM_HAVE_QUEUE_GET_DMA_DEV
	.ndo_queue_get_dma_dev	= nicsim_queue_get_dma_dev,
#endif
};

static void nicsim_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nicsim_netdev_ops;
	dev->ethtool_ops = &nicsim_ethtool_ops;
	dev->queue_mgmt_ops = &nicsim_queue_mgmt_ops;
	eth_hw_addr_random(dev);
}

static struct net_device *nicsim_create(unsigned int id)
{
	struct platform_device *pdev;
	struct nicsim_priv *priv;
	struct net_device *dev;
	int err;

	pdev = platform_device_register_simple(KBUILD_MODNAME, id, NULL, 0);
	if (IS_ERR(pdev))
		return ERR_CAST(pdev);
	err = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		goto err_unregister_pdev;

	dev = alloc_netdev_mqs(sizeof(*priv), "nicsim%d", NET_NAME_ENUM,
			       nicsim_setup, queues, queues);
	if (!dev) {
		err = -ENOMEM;
		goto err_unregister_pdev;
	}
	priv = netdev_priv(dev);
	priv->pdev = pdev;
	SET_NETDEV_DEV(dev, &pdev->dev);

	err = register_netdev(dev);
	if (err)
		goto err_free_netdev;
	return dev;

err_free_netdev:
	free_netdev(dev);
err_unregister_pdev:
	platform_device_unregister(pdev);
	return ERR_PTR(err);
}

static void nicsim_destroy(struct net_device *dev)
{
	struct nicsim_priv *priv = netdev_priv(dev);
	struct platform_device *pdev = priv->pdev;

	unregister_netdev(dev);
	free_netdev(dev);
	platform_device_unregister(pdev);
}

static void nicsim_destroy_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nicsim_devs); i++) {
		if (nicsim_devs[i]) {
			nicsim_destroy(nicsim_devs[i]);
			nicsim_devs[i] = NULL;
		}
	}
}

static int __init nicsim_init(void)
{
	struct net_device *dev;
	unsigned int i;

	if (devices < 1 || devices > NICSIM_MAX_DEVICES) {
		pr_err("devices=%u is out of range (1-%u)\n",
		       devices, NICSIM_MAX_DEVICES);
		return -EINVAL;
	}
	if (queues < 1 || queues > NICSIM_MAX_QUEUES) {
		pr_err("queues=%u is out of range (1-%u)\n",
		       queues, NICSIM_MAX_QUEUES);
		return -EINVAL;
	}

	for (i = 0; i < devices; i++) {
		dev = nicsim_create(i);
		if (IS_ERR(dev)) {
			pr_err("cannot create device %u: %pe\n", i, dev);
			nicsim_destroy_all();
			return PTR_ERR(dev);
		}
		nicsim_devs[i] = dev;
	}
	return 0;
}

static void __exit nicsim_exit(void)
{
	nicsim_destroy_all();
}

module_init(nicsim_init);
module_exit(nicsim_exit);

MODULE_DESCRIPTION("Test-only NIC with rx queue management operations");
MODULE_LICENSE("GPL");
