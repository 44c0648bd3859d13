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
#include <limits.h>
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

/*
 * A small JSON writer for -j: objects and arrays nest, the commas come by
 * themselves, and each document at the top level ends its line.
 */
#define JSON_DEPTH	8

static struct {
	unsigned int depth;
	bool after_key;
	bool more[JSON_DEPTH];
} jw;

static void jw_value(void)
{
	if (jw.after_key)
		jw.after_key = false;
	else if (jw.more[jw.depth])
		putchar(',');
	jw.more[jw.depth] = true;
}

static void jw_open(char c)
{
	jw_value();
	putchar(c);
	if (jw.depth < JSON_DEPTH - 1)
		jw.more[++jw.depth] = false;
}

static void jw_close(char c)
{
	putchar(c);
	if (jw.depth)
		jw.depth--;
	if (!jw.depth) {
		putchar('\n');
		jw.more[0] = false;
	}
}

/* Ends a document left open by a failure in the middle of it. */
static void jw_reset(void)
{
	if (jw.depth)
		putchar('\n');
	jw.depth = 0;
	jw.after_key = false;
	jw.more[0] = false;
}

/* Names and kernel messages: control characters are left out. */
static void jw_str(const char *s)
{
	jw_value();
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void jw_key(const char *key)
{
	jw_str(key);
	putchar(':');
	jw.after_key = true;
}

static void jw_kstr(const char *key, const char *s)
{
	jw_key(key);
	jw_str(s);
}

static void jw_kint(const char *key, long long v)
{
	jw_key(key);
	jw_value();
	printf("%lld", v);
}

static void jw_kuint(const char *key, unsigned long long v)
{
	jw_key(key);
	jw_value();
	printf("%llu", v);
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
		jw_reset();
		jw_open('{');
		jw_kstr("error", strerror(-err));
		jw_kint("errno", -err);
		jw_kstr("errname", name ? name : "");
		jw_kstr("message", msg);
		jw_close('}');
	}
	return EXIT_FAIL;
}

/*
 * Numbers on the command line: decimal, hex (0x) or octal (0), the whole
 * word and within @max, or a usage error.
 */
static bool is_num(const char *s)
{
	return s && *s >= '0' && *s <= '9';
}

static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *v)
{
	char *end;

	if (!is_num(s))
		goto err_bad;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *v > max)
		goto err_bad;
	return 0;

err_bad:
	fprintf(stderr, "netkit2ctl: %s: not a number up to %llu\n", s, max);
	return -EINVAL;
}

static int parse_u32(const char *s, __u32 *v)
{
	unsigned long long n;
	int err;

	err = parse_num(s, UINT32_MAX, &n);
	*v = (__u32)n;
	return err;
}

struct target {
	int	ifindex;
	__u32	side;
};

/* A device by name, else by ifindex. */
static int parse_dev(const char *s, int *ifindex)
{
	unsigned long long n;
	char *end;

	*ifindex = (int)if_nametoindex(s);
	if (*ifindex)
		return 0;
	errno = 0;
	n = is_num(s) ? strtoull(s, &end, 0) : 0;
	if (!n || errno || *end || n > INT_MAX)
		return fail(s, -ENODEV);
	*ifindex = (int)n;
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

/*
 * Position and revision words shared by the commands. Returns the number
 * of arguments used, 0 if @argv is none of them, -EINVAL for a bad number.
 */
static int parse_pos(char **argv, __u32 *flags, __u32 *rel_id, __u64 *rev)
{
	unsigned long long n;

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
		if (!is_num(argv[1]))
			return 1;
		return parse_u32(argv[1], rel_id) ?: 2;
	}
	if (!strcmp(argv[0], "revision") && argv[1]) {
		if (parse_num(argv[1], UINT64_MAX, &n))
			return -EINVAL;
		*rev = n;
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

static __u32 fd_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * attach and replace: DEV SIDE ... has been parsed into @t, and @opts
 * preset by the command; @argv starts at the program, id:ID or OBJ [PROG].
 * replace takes only a revision after it.
 */
static int attach_prog(const struct target *t, int argc, char **argv,
		       struct netkit2_attach_opts *opts, bool is_replace)
{
	struct bpf_object *obj = NULL;
	int i, n, fd, err, nprog = 1;
	__u32 flags = opts->flags;
	bool hold = false, by_id;
	__u32 id = 0;

	if (argc < 1)
		return usage();
	by_id = !strncmp(argv[0], "id:", 3);
	if (by_id && parse_u32(argv[0] + 3, &id))
		return usage();
	if (argc > 1 && !is_keyword(argv[1]) && !by_id)
		nprog = 2;
	/* Arguments first: nothing is loaded for a command line in error. */
	for (i = nprog; i < argc; i += n) {
		n = parse_pos(&argv[i], &flags, &opts->relative_id,
			      &opts->expected_revision);
		if (n < 0)
			return usage();
		if (n) {
			if (is_replace && strcmp(argv[i], "revision"))
				return usage();
			continue;
		}
		n = 1;
		if (is_replace) {
			return usage();
		} else if (!strcmp(argv[i], "replace") && argv[i + 1]) {
			if (parse_u32(argv[i + 1], &opts->replace_id))
				return usage();
			flags |= NETKIT2_F_REPLACE;
			n = 2;
		} else if (!strcmp(argv[i], "owned")) {
			opts->owned = true;
		} else if (!strcmp(argv[i], "hold")) {
			hold = true;
		} else {
			return usage();
		}
	}
	opts->flags = flags;
	if (by_id) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			fd = -errno;
	} else {
		fd = load(argv[0], nprog > 1 ? argv[1] : NULL, t->side, &obj);
		if (fd == -ENOENT)
			fprintf(stderr, "netkit2ctl: no program %s in %s\n",
				nprog > 1 ? argv[1] : "", argv[0]);
	}
	if (fd < 0)
		return fail(argv[0], fd);

	err = netkit2_prog_attach(t->ifindex, t->side, fd, opts);
	if (err) {
		bpf_object__close(obj);
		return fail("attach", err);
	}
	if (json) {
		jw_open('{');
		jw_kint("ifindex", t->ifindex);
		jw_kstr("target", side_name(t->side));
		jw_kuint("id", fd_id(fd));
		if (opts->replace_id)
			jw_kuint("replaced", opts->replace_id);
		jw_close('}');
	} else {
		printf("%u\n", fd_id(fd));
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
	struct target t;
	int err;

	if (argc < 3)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	return attach_prog(&t, argc - 2, argv + 2, &opts, false);
}

/* replace DEV SIDE ID ...: attach with the replace flag preset. */
static int cmd_replace(int argc, char **argv)
{
	struct netkit2_attach_opts opts = NETKIT2_OPTS(netkit2_attach_opts);
	struct target t;
	int err;

	if (argc < 4 || !is_num(argv[2]))
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	if (parse_u32(argv[2], &opts.replace_id))
		return usage();
	opts.flags = NETKIT2_F_REPLACE;
	return attach_prog(&t, argc - 3, argv + 3, &opts, true);
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
		if (n < 0)
			return usage();
		if (n)
			continue;
		if (strcmp(argv[i], "id") || !argv[i + 1] ||
		    parse_u32(argv[i + 1], &opts.prog_id))
			return usage();
		n = 2;
	}
	err = netkit2_prog_detach(t.ifindex, t.side, -1, &opts);
	if (err)
		return fail("detach", err);
	if (json) {
		jw_open('{');
		jw_kint("ifindex", t.ifindex);
		jw_kstr("target", side_name(t.side));
		jw_close('}');
	}
	return 0;
}

/* A side's list; with -j its members of the object that is open. */
static void print_progs(const __u32 *ids, const __u32 *owners, __u32 n,
			__u64 revision, const char *indent)
{
	__u32 i;

	if (json) {
		jw_kuint("revision", revision);
		jw_key("progs");
		jw_open('[');
		for (i = 0; i < n; i++) {
			jw_open('{');
			jw_kuint("id", ids[i]);
			jw_kuint("owner", owners[i]);
			jw_close('}');
		}
		jw_close(']');
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
	if (json) {
		jw_open('{');
		jw_kint("ifindex", t.ifindex);
		jw_kstr("target", side_name(t.side));
	}
	print_progs(ids, owners, q.count, q.revision, "");
	if (json)
		jw_close('}');
	return 0;
}

/*
 * Both sides of one pair. Returns 0, -1 if @ifindex is no primary of a
 * pair (with @quiet, nothing is printed then), or the exit status. With
 * -j, the first pair printed opens the JSON array.
 */
static int show_dev(int ifindex, const char *name, bool quiet)
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
		if (!jw.depth)
			jw_open('[');
		jw_open('{');
		jw_kstr("ifname", name);
		jw_kint("ifindex", ifindex);
	} else {
		printf("%s (ifindex %d)\n", name, ifindex);
	}
	for (t.side = NETKIT2_TARGET_PRIMARY; t.side <= NETKIT2_TARGET_PEER;
	     t.side++) {
		if (json) {
			jw_key(side_name(t.side));
			jw_open('{');
		} else {
			printf("  %s\n", side_name(t.side));
		}
		print_progs(ids[t.side], owners[t.side], q[t.side].count,
			    q[t.side].revision, "    ");
		if (json)
			jw_close('}');
	}
	if (json)
		jw_close('}');
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	struct if_nameindex *all, *i;
	char name[IF_NAMESIZE];
	int ifindex, err = 0;

	if (argc > 1)
		return usage();
	if (argc == 1) {
		err = parse_dev(argv[0], &ifindex);
		if (err)
			return err;
		if (!if_indextoname((unsigned int)ifindex, name))
			snprintf(name, sizeof(name), "%d", ifindex);
	}
	if (argc == 1) {
		err = show_dev(ifindex, name, false);
	} else {
		all = if_nameindex();
		if (!all)
			return fail("list devices", -errno);
		for (i = all; i->if_index && err <= 0; i++)
			err = show_dev((int)i->if_index, i->if_name, true);
		if_freenameindex(all);
		if (err < 0)
			err = 0;
	}
	if (json && !err) {
		if (!jw.depth)
			jw_open('[');
		jw_close(']');
	}
	return err;
}

/* Print every change notification, one line each, until killed. */
static int cmd_monitor(int argc, char **argv)
{
	struct netkit2_monitor *mon;
	struct netkit2_event ev;
	int err;

	(void)argv;
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
		if (json) {
			jw_open('{');
			jw_kstr("event", cmd_name(ev.cmd));
			jw_kuint("ifindex", ev.ifindex);
			jw_kstr("target", side_name(ev.target));
		} else {
			printf("%s ifindex %u %s\n", cmd_name(ev.cmd),
			       ev.ifindex, side_name(ev.target));
		}
		print_progs(ev.prog_ids, ev.owners, ev.count, ev.revision, "  ");
		if (json)
			jw_close('}');
		fflush(stdout);
	}
	netkit2_monitor_close(mon);
	return fail("monitor", err);
}

static int cmd_prog(int argc, char **argv)
{
	__u32 id;
	int fd;

	if (argc != 1 || parse_u32(argv[0], &id))
		return usage();
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return fail(argv[0], -errno);
	close(fd);
	if (json) {
		jw_open('{');
		jw_kuint("id", id);
		jw_close('}');
	}
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} netkit2ctl_cmds[] = {
	{ "attach",	cmd_attach },
	{ "replace",	cmd_replace },
	{ "detach",	cmd_detach },
	{ "show",	cmd_show },
	{ "query",	cmd_query },
	{ "monitor",	cmd_monitor },
	{ "prog",	cmd_prog },
};

int main(int argc, char **argv)
{
	unsigned int i;

	argv++;
	argc--;
	if (argc && !strcmp(argv[0], "-j")) {
		json = true;
		argv++;
		argc--;
	}
	if (!argc)
		return usage();
	for (i = 0; i < ARRAY_SIZE(netkit2ctl_cmds); i++)
		if (!strcmp(argv[0], netkit2ctl_cmds[i].name))
			return netkit2ctl_cmds[i].run(argc - 1, argv + 1);
	return usage();
}
