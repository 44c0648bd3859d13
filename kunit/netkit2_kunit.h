/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: kernel internals the KUnit suites use that no header declares.
 */
#ifndef _NETKIT2_KUNIT_H
#define _NETKIT2_KUNIT_H

#include <linux/bpf.h>

#ifdef CONFIG_BPF_SYSCALL
/*
 * bpf() for code inside the kernel (kernel/bpf/syscall.c), as the light
 * skeletons use it (tools/lib/bpf/skel_internal.h declares it likewise).
 */
int kern_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);
#endif

#endif /* _NETKIT2_KUNIT_H */
