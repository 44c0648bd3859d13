// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_redirect_peer() takes BPF_F_EGRESS: the packet leaves through the
 * peer device's transmit instead of entering its stack.
 */
#include <linux/bpf.h>

unsigned long long probe(void);
unsigned long long probe(void)
{
	return BPF_F_EGRESS;
}
