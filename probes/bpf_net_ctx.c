// SPDX-License-Identifier: GPL-2.0
/*
 * The redirect state of BPF helpers lives in a context set up by the
 * caller on its stack (current->bpf_net_context) rather than per CPU.
 *
 * First in: Linux 6.11 ("net: Reference bpf_redirect_info via
 * task_struct on PREEMPT_RT."), also in 6.6.y.
 */
#include <linux/filter.h>

void probe(void);
void probe(void)
{
	struct bpf_net_context ctx, *prev;

	prev = bpf_net_ctx_set(&ctx);
	bpf_net_ctx_get_ri()->tgt_index = 0;
	bpf_net_ctx_clear(prev);
}
