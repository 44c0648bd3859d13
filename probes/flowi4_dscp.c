// SPDX-License-Identifier: GPL-2.0
/*
 * An IPv4 flow carries the DSCP (flowi4_dscp) rather than the TOS byte
 * (flowi4_tos) for route lookups.
 *
 * First in: Linux 6.18 ("ipv4: Convert ->flowi4_tos to dscp_t.").
 */
#include <net/flow.h>
#include <net/ip.h>

void probe(struct flowi4 *fl4, const struct iphdr *iph);
void probe(struct flowi4 *fl4, const struct iphdr *iph)
{
	fl4->flowi4_dscp = ip4h_dscp(iph);
}
