// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netkit2-example: an agent that loads its own programs (two one-line
 * programs through the bpf() system call) and manages them on a netkit2
 * pair with libnetkit2 alone: attach with positions and revisions, query,
 * detach, an owned attachment, the monitor and the kernel's error message.
 *
 *   netkit2-example PRIMARY-DEVICE
 *
 * The device must be the primary of a pair with no programs. Prints one
 * TAP line per step; exit status 0 if every step went as expected.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "netkit2.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int failed, step;

static void check(int ok, const char *what)
{
	printf("%sok %d - %s\n", ok ? "" : "not ", ++step, what);
	failed |= !ok;
}

/* A SCHED_CLS program that returns NETKIT2_NEXT. */
static int load_prog(const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = NETKIT2_NEXT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = (__u64)(unsigned long)"GPL";
	strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
	return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (__u64)(unsigned long)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)))
		return 0;
	return info.id;
}

/* The ids on @side, or -1 and a failed step. */
static int query(int ifindex, __u32 *ids, __u32 *owners, __u64 *rev)
{
	struct netkit2_query_opts q = NETKIT2_OPTS(netkit2_query_opts,
		.prog_ids = ids, .owners = owners, .count = NETKIT2_PROGS_MAX);
	int err;

	err = netkit2_prog_query(ifindex, NETKIT2_TARGET_PRIMARY, &q);
	if (err) {
		check(0, "query");
		return -1;
	}
	if (rev)
		*rev = q.revision;
	return (int)q.count;
}

int main(int argc, char **argv)
{
	__u32 ids[NETKIT2_PROGS_MAX], owners[NETKIT2_PROGS_MAX], small[1];
	struct netkit2_query_opts q;
	struct netkit2_attach_opts a;
	struct netkit2_monitor *mon;
	static const __u8 want_cmds[] = {
		NETKIT2_CMD_ATTACH, NETKIT2_CMD_ATTACH, NETKIT2_CMD_DETACH,
		NETKIT2_CMD_ATTACH, NETKIT2_CMD_DETACH, NETKIT2_CMD_DETACH,
	};
	struct netkit2_event ev;
	int ifindex, fa, fb, n, i, err;
	__u32 ida, idb;
	__u64 rev;

	if (argc != 2) {
		fprintf(stderr, "usage: netkit2-example PRIMARY-DEVICE\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	fa = load_prog("nk2ex_a");
	fb = load_prog("nk2ex_b");
	if (!ifindex || fa < 0 || fb < 0) {
		fprintf(stderr, "netkit2-example: no device or no programs: %s\n",
			strerror(errno));
		return 1;
	}
	ida = prog_id(fa);
	idb = prog_id(fb);
	printf("TAP version 13\n");

	mon = netkit2_monitor_open();
	check(mon != NULL, "monitor joins the changes group");

	n = query(ifindex, ids, owners, &rev);
	check(n == 0 && rev == 1, "empty list at revision 1");

	err = netkit2_prog_attach(ifindex, NETKIT2_TARGET_PRIMARY, fa, NULL);
	check(!err, "attach without options");
	n = query(ifindex, ids, owners, &rev);
	check(n == 1 && ids[0] == ida && owners[0] == 0, "attached program listed");

	a = NETKIT2_OPTS(netkit2_attach_opts, .flags = NETKIT2_F_BEFORE,
			 .relative_fd = fa, .expected_revision = rev);
	err = netkit2_prog_attach(ifindex, NETKIT2_TARGET_PRIMARY, fb, &a);
	check(!err, "attach before an anchor by fd at the current revision");
	n = query(ifindex, ids, owners, NULL);
	check(n == 2 && ids[0] == idb && ids[1] == ida, "run order");

	err = netkit2_prog_attach(ifindex, NETKIT2_TARGET_PRIMARY, fa, NULL);
	check(err == -EEXIST && errno == EEXIST, "attached twice: -EEXIST, errno");
	err = netkit2_prog_attach(ifindex, NETKIT2_TARGET_PRIMARY, fa, &a);
	check(err == -ESTALE, "stale revision: -ESTALE");

	q = NETKIT2_OPTS(netkit2_query_opts, .prog_ids = small, .count = 1);
	err = netkit2_prog_query(ifindex, NETKIT2_TARGET_PRIMARY, &q);
	check(err == -ENOSPC && q.count == 2 && small[0] == idb,
	      "short array: -ENOSPC, filled as far as it goes, full count");

	err = netkit2_prog_detach(ifindex, NETKIT2_TARGET_PRIMARY, fb, NULL);
	check(!err, "detach by fd");
	n = query(ifindex, ids, owners, NULL);
	check(n == 1 && ids[0] == ida, "detached program gone");

	a = NETKIT2_OPTS(netkit2_attach_opts, .owned = true);
	err = netkit2_prog_attach(ifindex, NETKIT2_TARGET_PRIMARY, fb, &a);
	check(!err, "owned attach");
	n = query(ifindex, ids, owners, NULL);
	check(n == 2 && ids[1] == idb && (int)owners[1] == netkit2_portid(),
	      "owner is the library's socket");
	netkit2_release();
	n = query(ifindex, ids, owners, NULL);
	check(n == 1 && ids[0] == ida, "owned program detached on release");

	err = netkit2_prog_detach(ifindex, NETKIT2_TARGET_PRIMARY, -1, NULL);
	check(!err, "detach the last one");
	n = query(ifindex, ids, owners, &rev);
	check(n == 0 && rev == 1, "empty again, revision 1");

	err = netkit2_prog_attach((int)if_nametoindex("lo"),
				  NETKIT2_TARGET_PRIMARY, fa, NULL);
	check(err == -ENXIO && !strcmp(netkit2_errmsg(), "not a netkit2 device"),
	      "kernel's message retrievable");
	if (err != -ENXIO || strcmp(netkit2_errmsg(), "not a netkit2 device"))
		printf("# %d '%s'\n", err, netkit2_errmsg());

	for (i = 0; mon && i < (int)sizeof(want_cmds); i++) {
		err = netkit2_monitor_next(mon, &ev, 5000);
		if (err != 1 || ev.cmd != want_cmds[i] ||
		    ev.ifindex != (__u32)ifindex ||
		    ev.target != NETKIT2_TARGET_PRIMARY)
			break;
	}
	check(i == (int)sizeof(want_cmds), "monitor saw every change in order");
	check(mon && netkit2_monitor_next(mon, &ev, 200) == 0,
	      "and nothing more");
	netkit2_monitor_close(mon);

	printf("1..%d\n", step);
	return failed;
}
