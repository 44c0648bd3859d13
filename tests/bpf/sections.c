// SPDX-License-Identifier: GPL-2.0
/*
 * Programs in the sections of the kernel's netkit attach types, for
 * netkit2ctl's choice of a program by section. The first program is in
 * another section, so that a default to the first one shows.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int nk_sec_first(struct __sk_buff *skb)
{
	return -1;
}

SEC("netkit/primary")
int nk_sec_primary(struct __sk_buff *skb)
{
	return -1;
}

SEC("netkit/peer")
int nk_sec_peer(struct __sk_buff *skb)
{
	return -1;
}

char _license[] SEC("license") = "GPL";
