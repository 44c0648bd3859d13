// SPDX-License-Identifier: GPL-2.0
/*
 * netkit2ctl: attach, detach, replace and list the BPF programs of netkit2
 * pairs, and follow their changes; loads objects with libbpf and talks to
 * the kernel through libnetkit2.
 *
 * Exit status: 0 on success, 1 when the operation failed (the reason on
 * stderr, and with -j as a JSON object on stdout), 2 for a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netkit2.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define EXIT_FAIL	1
#define EXIT_USAGE	2

static const char *usage_text =
"usage: netkit2ctl [-j] COMMAND ...\n"
"  attach DEV SIDE OBJ|id:ID [PROG] [POS] [replace ID] [revision N]\n"
"         [owned [hold]]\n"
"  replace DEV SIDE ID OBJ|id:ID [PROG] [revision N]\n"
"  detach DEV SIDE [id ID] [POS] [revision N]\n"
"  show [DEV]\n"
"  query DEV SIDE\n"
"  monitor\n"
"  prog ID\n"
"SIDE is primary or peer, DEV the primary device (name or ifindex).\n"
"PROG is a program or section name of OBJ; without it, the program in\n"
"section netkit/primary or netkit/peer (after SIDE), else the first one.\n"
"POS is first, last, before [ID] or after [ID]. See netkit2ctl(8).\n";

static bool json;

static int usage(void)
{
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

static const char *side_name(__u32 side)
{
	return side == NETKIT2_TARGET_PEER ? "peer" : "primary";
}

static const char *cmd_name(__u8 cmd)
{
	switch (cmd) {
	case NETKIT2_CMD_ATTACH:
		return "attach";
	case NETKIT2_CMD_DETACH:
		return "detach";
	case NETKIT2_CMD_RELEASE:
		return "release";
	}
	return "unknown";
}

/* Print a JSON string (names and kernel messages: no control chars). */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

/*
 * Report a failure of @what with negative errno @err, and the kernel's
 * message if it gave one. Returns the exit status.
 */
static int fail(const char *what, int err)
{
	const char *msg = netkit2_errmsg();
	const char *name = strerrorname_np(-err);

	fprintf(stderr, "netkit2ctl: %s: %s%s%s\n", what, strerror(-err),
		*msg ? ": " : "", msg);
	if (json) {
		printf("{\"error\":");
		json_str(strerror(-err));
		printf(",\"errno\":%d,\"errname\":", -err);
		json_str(name ? name : "");
		printf(",\"message\":");
		json_str(msg);
		printf("}\n");
	}
	return EXIT_FAIL;
}

struct target {
	int	ifindex;
	__u32	side;
};

static int parse_dev(const char *s, int *ifindex)
{
	char *end;

	*ifindex = (int)if_nametoindex(s);
	if (*ifindex)
		return 0;
	*ifindex = (int)strtol(s, &end, 0);
	if (*end || *ifindex <= 0)
		return fail(s, -ENODEV);
	return 0;
}

static int parse_target(char **argv, struct target *t)
{
	if (!strcmp(argv[1], "primary"))
		t->side = NETKIT2_TARGET_PRIMARY;
	else if (!strcmp(argv[1], "peer"))
		t->side = NETKIT2_TARGET_PEER;
	else
		return usage();
	return parse_dev(argv[0], &t->ifindex);
}

static bool is_num(const char *s)
{
	return s && *s >= '0' && *s <= '9';
}

static __u32 num(const char *s)
{
	return (__u32)strtoul(s, NULL, 0);
}

/*
 * Position and revision words shared by the commands. Returns the number
 * of arguments used, 0 if @argv is none of them.
 */
static int parse_pos(char **argv, __u32 *flags, __u32 *rel_id, __u64 *rev)
{
	if (!strcmp(argv[0], "first")) {
		*flags |= NETKIT2_F_BEFORE;
		return 1;
	}
	if (!strcmp(argv[0], "last")) {
		*flags |= NETKIT2_F_AFTER;
		return 1;
	}
	if (!strcmp(argv[0], "before") || !strcmp(argv[0], "after")) {
		*flags |= argv[0][0] == 'b' ? NETKIT2_F_BEFORE : NETKIT2_F_AFTER;
		if (is_num(argv[1])) {
			*rel_id = num(argv[1]);
			return 2;
		}
		return 1;
	}
	if (!strcmp(argv[0], "revision") && is_num(argv[1])) {
		*rev = strtoull(argv[1], NULL, 0);
		return 2;
	}
	return 0;
}

static bool is_keyword(const char *s)
{
	static const char * const words[] = {
		"first", "last", "before", "after", "revision", "replace",
		"owned", "hold",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

static void on_signal(int sig)
{
	(void)sig;
}

/*
 * Load one program of object @path: @want by program or section name, or
 * the one in the section of @side, or the first. Returns its fd.
 */
static int load(const char *path, const char *want, __u32 side,
		struct bpf_object **objp)
{
	const char *sec = side == NETKIT2_TARGET_PEER ? "netkit/peer" :
							  "netkit/primary";
	struct bpf_program *prog = NULL, *p;
	struct bpf_object *obj;
	int err;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj) {
		if (want ? !strcmp(bpf_program__name(p), want) ||
			   !strcmp(bpf_program__section_name(p), want) :
			   !strcmp(bpf_program__section_name(p), sec)) {
			prog = p;
			break;
		}
	}
	if (!prog && !want)
		prog = bpf_object__next_program(obj, NULL);
	if (!prog) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	/* libbpf does not know the netkit sections of newer kernels. */
	if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
		bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS);
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return err;
	}
	*objp = obj;
	return bpf_program__fd(prog);
}

/* A program to attach: id:ID or OBJ [PROG]; returns an fd. */
static int get_prog(char **argv, int argc, int *used, __u32 side,
		    struct bpf_object **obj)
{
	const char *want = NULL;
	int fd;

	*used = 1;
	if (!strncmp(argv[0], "id:", 3)) {
		fd = bpf_prog_get_fd_by_id(num(argv[0] + 3));
		return fd < 0 ? -errno : fd;
	}
	if (argc > 1 && !is_keyword(argv[1])) {
		want = argv[1];
		*used = 2;
	}
	fd = load(argv[0], want, side, obj);
	if (fd == -ENOENT)
		fprintf(stderr, "netkit2ctl: no program %s in %s\n",
			want ? want : "", argv[0]);
	return fd;
}

static __u32 fd_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static int do_attach(const struct target *t, int fd,
		     struct netkit2_attach_opts *opts, bool hold,
		     struct bpf_object *obj)
{
	__u32 id = fd_id(fd);
	int err;

	err = netkit2_prog_attach(t->ifindex, t->side, fd, opts);
	if (err) {
		bpf_object__close(obj);
		return fail("attach", err);
	}
	if (json) {
		printf("{\"ifindex\":%d,\"target\":\"%s\",\"id\":%u",
		       t->ifindex, side_name(t->side), id);
		if (opts->replace_id)
			printf(",\"replaced\":%u", opts->replace_id);
		printf("}\n");
	} else {
		printf("%u\n", id);
	}
	fflush(stdout);
	if (opts->owned && hold) {
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		pause();
	}
	bpf_object__close(obj);
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	struct netkit2_attach_opts opts = NETKIT2_OPTS(netkit2_attach_opts);
	struct bpf_object *obj = NULL;
	bool hold = false;
	struct target t;
	int i, n, err, fd;

	if (argc < 3)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	/* Arguments first: nothing is loaded for a command line in error. */
	i = 3;
	if (argc > 3 && !is_keyword(argv[3]) && strncmp(argv[2], "id:", 3))
		i = 4;
	for (; i < argc; i += n) {
		n = parse_pos(&argv[i], &opts.flags, &opts.relative_id,
			      &opts.expected_revision);
		if (n)
			continue;
		n = 1;
		if (!strcmp(argv[i], "replace") && is_num(argv[i + 1])) {
			opts.flags |= NETKIT2_F_REPLACE;
			opts.replace_id = num(argv[i + 1]);
			n = 2;
		} else if (!strcmp(argv[i], "owned")) {
			opts.owned = true;
		} else if (!strcmp(argv[i], "hold")) {
			hold = true;
		} else {
			return usage();
		}
	}
	fd = get_prog(&argv[2], argc - 2, &n, t.side, &obj);
	if (fd < 0)
		return fail(argv[2], fd);
	return do_attach(&t, fd, &opts, hold, obj);
}

static int cmd_replace(int argc, char **argv)
{
	struct netkit2_attach_opts opts = NETKIT2_OPTS(netkit2_attach_opts);
	struct bpf_object *obj = NULL;
	struct target t;
	int i, n, err, fd;
	__u32 ignore = 0;

	if (argc < 4 || !is_num(argv[2]))
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	opts.flags = NETKIT2_F_REPLACE;
	opts.replace_id = num(argv[2]);
	i = 4;
	if (argc > 4 && !is_keyword(argv[4]) && strncmp(argv[3], "id:", 3))
		i = 5;
	for (; i < argc; i += n) {
		n = parse_pos(&argv[i], &ignore, &ignore,
			      &opts.expected_revision);
		if (!n || ignore)
			return usage();
	}
	fd = get_prog(&argv[3], argc - 3, &n, t.side, &obj);
	if (fd < 0)
		return fail(argv[3], fd);
	return do_attach(&t, fd, &opts, false, obj);
}

static int cmd_detach(int argc, char **argv)
{
	struct netkit2_detach_opts opts = NETKIT2_OPTS(netkit2_detach_opts);
	struct target t;
	int i, n, err;

	if (argc < 2)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	for (i = 2; i < argc; i += n) {
		n = parse_pos(&argv[i], &opts.flags, &opts.relative_id,
			      &opts.expected_revision);
		if (n)
			continue;
		if (strcmp(argv[i], "id") || !is_num(argv[i + 1]))
			return usage();
		opts.prog_id = num(argv[i + 1]);
		n = 2;
	}
	err = netkit2_prog_detach(t.ifindex, t.side, -1, &opts);
	if (err)
		return fail("detach", err);
	if (json)
		printf("{\"ifindex\":%d,\"target\":\"%s\"}\n", t.ifindex,
		       side_name(t.side));
	return 0;
}

static void print_progs(const __u32 *ids, const __u32 *owners, __u32 n,
			__u64 revision, const char *indent)
{
	__u32 i;

	if (json) {
		printf("\"revision\":%" PRIu64 ",\"progs\":[", (uint64_t)revision);
		for (i = 0; i < n; i++)
			printf("%s{\"id\":%u,\"owner\":%u}", i ? "," : "",
			       ids[i], owners[i]);
		printf("]");
		return;
	}
	printf("%srevision %" PRIu64 "\n", indent, (uint64_t)revision);
	for (i = 0; i < n; i++) {
		printf("%s%u", indent, ids[i]);
		if (owners[i])
			printf(" owner %u", owners[i]);
		printf("\n");
	}
}

static int query(const struct target *t, __u32 *ids, __u32 *owners,
		 struct netkit2_query_opts *q)
{
	*q = NETKIT2_OPTS(netkit2_query_opts, .prog_ids = ids,
			  .owners = owners, .count = NETKIT2_PROGS_MAX);
	return netkit2_prog_query(t->ifindex, t->side, q);
}

static int cmd_query(int argc, char **argv)
{
	__u32 ids[NETKIT2_PROGS_MAX], owners[NETKIT2_PROGS_MAX];
	struct netkit2_query_opts q;
	struct target t;
	int err;

	if (argc != 2)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	err = query(&t, ids, owners, &q);
	if (err)
		return fail("query", err);
	if (json)
		printf("{\"ifindex\":%d,\"target\":\"%s\",", t.ifindex,
		       side_name(t.side));
	print_progs(ids, owners, q.count, q.revision, "");
	if (json)
		printf("}\n");
	return 0;
}

/*
 * Both sides of one pair. Returns 0, -1 if @ifindex is no primary of a
 * pair (with @quiet, nothing is printed then), or the exit status. With
 * -j, the first pair printed opens the JSON array (*@opened).
 */
static int show_dev(int ifindex, const char *name, bool quiet, bool *opened)
{
	__u32 ids[2][NETKIT2_PROGS_MAX], owners[2][NETKIT2_PROGS_MAX];
	struct netkit2_query_opts q[2];
	struct target t = { .ifindex = ifindex };
	int err;

	for (t.side = NETKIT2_TARGET_PRIMARY; t.side <= NETKIT2_TARGET_PEER;
	     t.side++) {
		err = query(&t, ids[t.side], owners[t.side], &q[t.side]);
		if (err && quiet && (err == -ENXIO || err == -EACCES ||
				     err == -EOPNOTSUPP))
			return -1;
		if (err)
			return fail(name, err);
	}
	if (json) {
		printf("%s{\"ifname\":", *opened ? "," : "[");
		*opened = true;
		json_str(name);
		printf(",\"ifindex\":%d", ifindex);
	} else {
		printf("%s (ifindex %d)\n", name, ifindex);
	}
	for (t.side = NETKIT2_TARGET_PRIMARY; t.side <= NETKIT2_TARGET_PEER;
	     t.side++) {
		if (json)
			printf(",\"%s\":{", side_name(t.side));
		else
			printf("  %s\n", side_name(t.side));
		print_progs(ids[t.side], owners[t.side], q[t.side].count,
			    q[t.side].revision, "    ");
		if (json)
			printf("}");
	}
	if (json)
		printf("}");
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct if_nameindex *all, *i;
	char name[IF_NAMESIZE];
	bool opened = false;
	int ifindex, err = 0;

	if (argc > 1)
		return usage();
	if (argc == 1) {
		err = parse_dev(argv[0], &ifindex);
		if (err)
			return err;
		if (!if_indextoname((unsigned int)ifindex, name))
			snprintf(name, sizeof(name), "%d", ifindex);
		err = show_dev(ifindex, name, false, &opened);
	} else {
		all = if_nameindex();
		if (!all)
			return fail("list devices", -errno);
		for (i = all; i->if_index && err <= 0; i++)
			err = show_dev((int)i->if_index, i->if_name, true,
				       &opened);
		if_freenameindex(all);
		if (err < 0)
			err = 0;
	}
	if (json && !err)
		printf("%s]\n", opened ? "" : "[");
	return err;
}

/* Print every change notification, one line each, until killed. */
static int cmd_monitor(int argc)
{
	struct netkit2_monitor *mon;
	struct netkit2_event ev;
	int err;

	if (argc)
		return usage();
	mon = netkit2_monitor_open();
	if (!mon)
		return fail("join group " NETKIT2_GENL_MCGRP_CHANGES, -errno);
	for (;;) {
		err = netkit2_monitor_next(mon, &ev, -1);
		if (err == -ENOBUFS) {
			fprintf(stderr, "netkit2ctl: notifications lost\n");
			continue;
		}
		if (err < 0)
			break;
		if (json)
			printf("{\"event\":\"%s\",\"ifindex\":%u,\"target\":\"%s\",",
			       cmd_name(ev.cmd), ev.ifindex,
			       side_name(ev.target));
		else
			printf("%s ifindex %u %s\n", cmd_name(ev.cmd),
			       ev.ifindex, side_name(ev.target));
		print_progs(ev.prog_ids, ev.owners, ev.count, ev.revision, "  ");
		if (json)
			printf("}\n");
		fflush(stdout);
	}
	netkit2_monitor_close(mon);
	return fail("monitor", err);
}

static int cmd_prog(int argc, char **argv)
{
	int fd;

	if (argc != 1 || !is_num(argv[0]))
		return usage();
	fd = bpf_prog_get_fd_by_id(num(argv[0]));
	if (fd < 0)
		return fail(argv[0], -errno);
	close(fd);
	if (json)
		printf("{\"id\":%u}\n", num(argv[0]));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	argv++;
	argc--;
	if (argc && !strcmp(argv[0], "-j")) {
		json = true;
		argv++;
		argc--;
	}
	if (!argc)
		return usage();
	cmd = argv[0];
	argv++;
	argc--;
	if (!strcmp(cmd, "attach"))
		return cmd_attach(argc, argv);
	if (!strcmp(cmd, "replace"))
		return cmd_replace(argc, argv);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(argc, argv);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc, argv);
	if (!strcmp(cmd, "query"))
		return cmd_query(argc, argv);
	if (!strcmp(cmd, "monitor"))
		return cmd_monitor(argc);
	if (!strcmp(cmd, "prog"))
		return cmd_prog(argc, argv);
	return usage();
}
