// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: module entry points.
 *
 * A BPF-programmable virtual network device, built as a module so that it
 * can be brought to kernels without (or with an older) built-in netkit.
 */

#include <linux/module.h>
#include <net/rtnetlink.h>

#include "netkit2.h"

static int __init netkit2_module_init(void)
{
	int err;

	BUILD_BUG_ON(IFLA_NETKIT2_MAX < IFLA_NETKIT2_PAIRING);
	/* The largest headroom fits the core's space, one byte more not. */
	BUILD_BUG_ON(NETKIT2_LL_SPACE(NETKIT2_HEADROOM_MAX) >
		     NETKIT2_LL_SPACE_MAX);
	BUILD_BUG_ON(NETKIT2_LL_SPACE(NETKIT2_HEADROOM_MAX + 1) <=
		     NETKIT2_LL_SPACE_MAX);

	err = netkit2_prog_init();
	if (err)
		return err;
	err = netkit2_lease_init();
	if (err)
		goto err_prog;
	err = rtnl_link_register(&netkit2_link_ops);
	if (err)
		goto err_lease;
	err = netkit2_genl_init();
	if (err)
		goto err_link;
	return 0;

err_link:
	rtnl_link_unregister(&netkit2_link_ops);
err_lease:
	netkit2_lease_exit();
err_prog:
	netkit2_prog_exit();
	return err;
}

/*
 * Unregistering the link kind deletes every netkit2 device left, and their
 * programs with them; the family stays until then so that the "changes"
 * group hears of those programs. A request in between finds no device.
 */
static void __exit netkit2_module_exit(void)
{
	rtnl_link_unregister(&netkit2_link_ops);
	netkit2_genl_exit();
	/* The devices just deleted have ended their leases through it. */
	netkit2_lease_exit();
	/* Last: the program arrays those devices retired are put. */
	netkit2_prog_exit();
}

module_init(netkit2_module_init);
module_exit(netkit2_module_exit);

MODULE_DESCRIPTION("BPF-programmable virtual network device (netkit2)");
MODULE_LICENSE("GPL");
MODULE_VERSION(NETKIT2_VERSION);
MODULE_ALIAS_RTNL_LINK(NETKIT2_DRV_NAME);
