// SPDX-License-Identifier: GPL-2.0
/*
 * Queue memory allocation and start take the queue's configuration.
 *
 * First in: Linux 7.0 ("net: add bare bone queue configs").
 */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>

typedef int (*nicsim_probe_start_t)(struct net_device *dev,
				    struct netdev_queue_config *qcfg,
				    void *per_queue_mem, int idx);

const struct netdev_queue_mgmt_ops *nicsim_probe_ops;

_Static_assert(__builtin_types_compatible_p(typeof(nicsim_probe_ops->ndo_queue_start),
					    nicsim_probe_start_t) &&
	       __builtin_types_compatible_p(typeof(nicsim_probe_ops->ndo_queue_mem_alloc),
					    nicsim_probe_start_t),
	       "queue ops without the queue configuration");
