// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_redirect_peer() takes BPF_F_EGRESS: the packet leaves through the
 * peer device's transmit instead of entering its stack.
 *
 * First in: Linux 6.19 to 7.3 (absent from 6.12 and 6.18, present in
 * 7.3).
 */
#include <linux/bpf.h>

unsigned long long probe(void);
unsigned long long probe(void)
{
	return BPF_F_EGRESS;
}
