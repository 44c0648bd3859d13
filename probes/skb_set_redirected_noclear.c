// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel marks an skb that a BPF program redirected to a device's
 * egress as redirected (skb_set_redirected_noclear()).
 *
 * First in: Linux 6.4 ("bpf: Set skb redirect and from_ingress info in
 * __bpf_tx_skb").
 */
#include <linux/skbuff.h>

void probe(struct sk_buff *skb);
void probe(struct sk_buff *skb)
{
	skb_set_redirected_noclear(skb, false);
}
