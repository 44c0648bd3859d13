// SPDX-License-Identifier: GPL-2.0
/*
 * The core has a helper that pulls the Ethernet header and returns it
 * (eth_skb_pull_mac()).
 *
 * First in: Linux 6.10 ("netkit: Fix pkt_type override upon netkit pass
 * verdict"), also in 6.9.y.
 */
#include <linux/etherdevice.h>

struct ethhdr *probe(struct sk_buff *skb);
struct ethhdr *probe(struct sk_buff *skb)
{
	return eth_skb_pull_mac(skb);
}
