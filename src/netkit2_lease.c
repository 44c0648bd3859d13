// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: rx queues leased from physical devices.
 *
 * Kernels with the queue-create core (7.0 and later) let a virtual device
 * borrow an rx queue of a physical device: the netdev generic netlink
 * family's queue-create asks the virtual device for a new rx queue
 * (ndo_queue_create) and the core links it with the physical one. A pod's
 * application then binds io_uring zero-copy receive, a devmem TCP buffer
 * or an AF_XDP socket to the netkit2 queue, and the core redirects the
 * memory provider and DMA device to the physical queue.
 *
 * netkit2's part: numbering the new queues (numrxqueues bounds them), only
 * on the peer of a pair or on a single device; ending every lease when the
 * netkit2 device goes (ndo_uninit), and deleting netkit2 devices whose
 * leased queue's physical device goes; passing AF_XDP pool setup and
 * wakeups of a single device on to the physical queue.
 *
 * Ending a lease needs netdev_rx_queue_unlease(), which the kernel exports
 * to modules only with patches/ applied. Without it netkit2 refuses
 * queue-create itself, with a message saying so, rather than leaving the
 * caller with a bare EOPNOTSUPP.
 */

#include <linux/module.h>
#include <linux/netdevice.h>

#include "netkit2.h"

#ifdef NETKIT2_HAVE_QUEUE_CREATE

#include <net/netdev_queues.h>
#include <net/netdev_rx_queue.h>
#include <net/xdp_sock_drv.h>

#ifdef NETKIT2_HAVE_QUEUE_LEASE

/*
 * What guards the queue state of a device taking part in a lease: its
 * instance lock where the kernel has one; RTNL before, which every
 * caller here already holds (netdevice notifiers, ndo_bpf).
 */
#ifdef NETKIT2_HAVE_NET_NETDEV_LOCK_H
static inline void netkit2_queue_lock(struct net_device *dev)
{
	netdev_lock(dev);
}

static inline void netkit2_queue_unlock(struct net_device *dev)
{
	netdev_unlock(dev);
}

static inline void netkit2_queue_lock_ops(struct net_device *dev)
{
	netdev_lock_ops(dev);
}

static inline void netkit2_queue_unlock_ops(struct net_device *dev)
{
	netdev_unlock_ops(dev);
}
#else
static inline void netkit2_queue_lock(struct net_device *dev)
{
	ASSERT_RTNL();
}

static inline void netkit2_queue_unlock(struct net_device *dev)
{
}

static inline void netkit2_queue_lock_ops(struct net_device *dev)
{
	ASSERT_RTNL();
}

static inline void netkit2_queue_unlock_ops(struct net_device *dev)
{
}
#endif

/* The XDP features AF_XDP needs of a device (zero-copy included). */
#ifdef NETKIT2_HAVE_XDP_ACT_XSK
#define NETKIT2_XDP_ACT_XSK	NETDEV_XDP_ACT_XSK
#else
#define NETKIT2_XDP_ACT_XSK	(NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT | \
				 NETDEV_XDP_ACT_XSK_ZEROCOPY)
#endif

/* Symbol namespaces: a bare identifier before 6.13, a string since. */
#ifdef NETKIT2_HAVE_MODULE_NS_IDENT
#define NETKIT2_IMPORT_NETDEV_INTERNAL()	MODULE_IMPORT_NS(NETDEV_INTERNAL)
#else
#define NETKIT2_IMPORT_NETDEV_INTERNAL()	MODULE_IMPORT_NS("NETDEV_INTERNAL")
#endif

NETKIT2_IMPORT_NETDEV_INTERNAL();

static int netkit2_queue_create(struct net_device *dev,
				struct netlink_ext_ack *extack)
{
	struct netkit2 *nk = netkit2_priv(dev);
	unsigned int idx = dev->real_num_rx_queues;
	int err;

	/* The primary of a pair stays with the host: it manages the pair. */
	if (nk->pairing == NETKIT2_DEVICE_PAIR && nk->primary) {
		NL_SET_ERR_MSG(extack,
			       "netkit2 leases queues only to the peer of a pair");
		return -EOPNOTSUPP;
	}
	if (idx >= dev->num_rx_queues) {
		NL_SET_ERR_MSG_FMT(extack,
				   "netkit2 device has all of its %u rx queues in use (numrxqueues)",
				   dev->num_rx_queues);
		return -EINVAL;
	}
	err = netif_set_real_num_rx_queues(dev, idx + 1);
	if (err) {
		NL_SET_ERR_MSG_FMT(extack,
				   "netkit2 cannot add rx queue %u (error %d)",
				   idx, err);
		return err;
	}
	return idx;
}

/*
 * Give every leased queue of @dev back to its physical device: @dev is
 * being unregistered (ndo_uninit, after the NETDEV_UNREGISTER notifiers,
 * so that AF_XDP has taken its pools off the physical queues through the
 * lease first).
 */
void netkit2_lease_end_all(struct net_device *dev)
{
	struct netdev_rx_queue *rxq, *phys_rxq;
	struct net_device *phys;
	unsigned int i;

	netkit2_queue_lock(dev);
	for (i = 0; i < dev->real_num_rx_queues; i++) {
		rxq = __netif_get_rx_queue(dev, i);
		phys_rxq = rxq->lease;
		if (!phys_rxq)
			continue;
		phys = phys_rxq->dev;
		/* Virtual before physical, as the core locks them. */
		netkit2_queue_lock(phys);
		netdev_rx_queue_unlease(rxq, phys_rxq);
		netkit2_queue_unlock(phys);
	}
	netkit2_queue_unlock(dev);
}

/*
 * A physical device is going away: the netkit2 devices its queues are
 * leased to go with it (and their peers), as with upstream netkit. A
 * device already queued in this unregistration is left to it.
 */
static void netkit2_lease_phys_gone(struct net_device *phys)
{
	struct netdev_rx_queue *rxq;
	struct net_device *dev;
	LIST_HEAD(kill);
	unsigned int i;

	netkit2_queue_lock_ops(phys);
	for (i = 0; i < phys->real_num_rx_queues; i++) {
		rxq = __netif_get_rx_queue(phys, i);
		if (!rxq->lease)
			continue;
		dev = rxq->lease->dev;
		if (!netkit2_is_netkit2(dev) || netkit2_unregister_queued(dev))
			continue;
		netkit2_link_ops.dellink(dev, &kill);
	}
	netkit2_queue_unlock_ops(phys);
	unregister_netdevice_many(&kill);
}

static int netkit2_lease_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	/* A move to another namespace sends NETDEV_UNREGISTER too. */
	if (event != NETDEV_UNREGISTER ||
	    READ_ONCE(dev->reg_state) != NETREG_UNREGISTERING)
		return NOTIFY_DONE;

	if (!netkit2_is_netkit2(dev) && dev->dev.parent)
		netkit2_lease_phys_gone(dev);
	return NOTIFY_DONE;
}

static struct notifier_block netkit2_lease_nb = {
	.notifier_call	= netkit2_lease_event,
};

int netkit2_lease_init(void)
{
	return register_netdevice_notifier(&netkit2_lease_nb);
}

void netkit2_lease_exit(void)
{
	unregister_netdevice_notifier(&netkit2_lease_nb);
}

/* The physical device takes AF_XDP pools for its queues itself. */
static bool netkit2_phys_has_xsk(const struct net_device *phys)
{
	const struct net_device_ops *ops = phys->netdev_ops;

	return ops->ndo_bpf && ops->ndo_xdp_xmit && ops->ndo_xsk_wakeup;
}

/*
 * AF_XDP on a single device: an XSK pool bound to a leased queue is set up
 * on the physical queue behind it.
 */
int netkit2_xsk_pool_setup(struct net_device *dev, struct netdev_bpf *bpf)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netdev_rx_queue *rxq;
	struct netdev_bpf phys_bpf;
	struct net_device *phys;
	int err;

	if (nk->pairing == NETKIT2_DEVICE_PAIR)
		return -EOPNOTSUPP;
	if (bpf->xsk.queue_id >= dev->real_num_rx_queues)
		return -EINVAL;
	rxq = __netif_get_rx_queue(dev, bpf->xsk.queue_id);
	if (!rxq->lease)
		return -EOPNOTSUPP;
	phys = rxq->lease->dev;
	if (!netkit2_phys_has_xsk(phys))
		return -EOPNOTSUPP;

	phys_bpf = *bpf;
	phys_bpf.xsk.queue_id = get_netdev_rx_queue_index(rxq->lease);

	netkit2_queue_lock(phys);
	if (!bpf->xsk.pool) {
		err = phys->netdev_ops->ndo_bpf(phys, &phys_bpf);
	} else if ((phys->xdp_features & NETKIT2_XDP_ACT_XSK) !=
		   NETKIT2_XDP_ACT_XSK) {
		err = -EOPNOTSUPP;
	} else if (dev_get_min_mp_channel_count(phys)) {
		/* A memory provider owns queues of the physical device. */
		err = -EBUSY;
	} else {
		err = phys->netdev_ops->ndo_bpf(phys, &phys_bpf);
	}
	netkit2_queue_unlock(phys);
	return err;
}

int netkit2_xsk_wakeup(struct net_device *dev, u32 queue_id, u32 flags)
{
	struct netdev_rx_queue *phys_rxq;
	struct net_device *phys;

	if (queue_id >= dev->real_num_rx_queues)
		return -EINVAL;
	phys_rxq = READ_ONCE(__netif_get_rx_queue(dev, queue_id)->lease);
	if (unlikely(!phys_rxq))
		return -EOPNOTSUPP;
	/*
	 * netkit2_xsk_pool_setup() checked the physical device's AF_XDP
	 * support when the pool was set up; it cannot lose it while the
	 * lease lasts.
	 */
	phys = phys_rxq->dev;
	return phys->netdev_ops->ndo_xsk_wakeup(phys,
						get_netdev_rx_queue_index(phys_rxq),
						flags);
}

void netkit2_lease_dev_init(struct net_device *dev)
{
	/* Only a single device proxies AF_XDP pools to its leased queues. */
	if (netkit2_priv(dev)->pairing == NETKIT2_DEVICE_SINGLE)
		dev->xdp_features = NETKIT2_XDP_ACT_XSK;
}

#else /* !NETKIT2_HAVE_QUEUE_LEASE */

/*
 * The kernel would lease a queue but netkit2 could never end the lease:
 * refuse, and say what is missing.
 */
static int netkit2_queue_create(struct net_device *dev,
				struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "netkit2: rx queue leasing needs netdev_rx_queue_unlease and dev_get_min_mp_channel_count exported by the kernel (patches/ of netkit2)");
	return -EOPNOTSUPP;
}

#endif /* NETKIT2_HAVE_QUEUE_LEASE */

const struct netdev_queue_mgmt_ops netkit2_queue_mgmt_ops = {
	.ndo_queue_create	= netkit2_queue_create,
};

#endif /* NETKIT2_HAVE_QUEUE_CREATE */
