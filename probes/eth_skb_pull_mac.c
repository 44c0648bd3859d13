// SPDX-License-Identifier: GPL-2.0
#include <linux/etherdevice.h>

struct ethhdr *probe(struct sk_buff *skb);
struct ethhdr *probe(struct sk_buff *skb)
{
	return eth_skb_pull_mac(skb);
}
