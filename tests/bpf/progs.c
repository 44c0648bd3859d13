// SPDX-License-Identifier: GPL-2.0
/*
 * Test programs for netkit2: one verdict each. netkit2's verdicts are
 * the tc ones: -1 next, 0 pass, 2 drop, 7 redirect.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NK_NEXT		-1
#define NK_PASS		0
#define NK_DROP		2

SEC("tc")
int nk_pass(struct __sk_buff *skb)
{
	return NK_PASS;
}

SEC("tc")
int nk_drop(struct __sk_buff *skb)
{
	return NK_DROP;
}

SEC("tc")
int nk_next(struct __sk_buff *skb)
{
	return NK_NEXT;
}

/* Marks the packet and leaves the decision to the next program. */
SEC("tc")
int nk_mark(struct __sk_buff *skb)
{
	skb->mark = 0x2a;
	return NK_NEXT;
}

/* Drops only what an earlier program marked. */
SEC("tc")
int nk_drop_marked(struct __sk_buff *skb)
{
	return skb->mark == 0x2a ? NK_DROP : NK_PASS;
}

/*
 * Redirects to the loopback device of the peer's namespace (ifindex 1 in
 * every namespace), with the destination MAC rewritten to lo's (zero) so
 * that lo's stack takes the packet as its own.
 */
static __always_inline int nk_to_lo(struct __sk_buff *skb, __u64 flags)
{
	const __u8 zero[6] = {};

	if (bpf_skb_store_bytes(skb, 0, zero, sizeof(zero), 0))
		return NK_DROP;
	return bpf_redirect(1, flags);
}

SEC("tc")
int nk_redir_lo(struct __sk_buff *skb)
{
	return nk_to_lo(skb, 0);
}

SEC("tc")
int nk_redir_lo_ingress(struct __sk_buff *skb)
{
	return nk_to_lo(skb, BPF_F_INGRESS);
}

/* No device has this ifindex: the packet is dropped, and counted. */
SEC("tc")
int nk_redir_nowhere(struct __sk_buff *skb)
{
	return bpf_redirect(0x7ffffff0, 0);
}

/* Not a sched_cls program: netkit2 must refuse it. */
SEC("xdp")
int nk_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
