// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP features a device needs for AF_XDP have a name of their own.
 *
 * First in: Linux 6.19 ("xsk: Move NETDEV_XDP_ACT_ZC into generic
 * header").
 */
#include <net/xdp_sock_drv.h>

unsigned int probe_xdp_act_xsk(void);
unsigned int probe_xdp_act_xsk(void)
{
	return NETDEV_XDP_ACT_XSK;
}
