// SPDX-License-Identifier: GPL-2.0
/*
 * netkit2ctl: attach, detach and list the BPF programs of a netkit2 pair
 * through the "netkit2" generic netlink family.
 *
 * Exit status: 0 on success, otherwise the errno the kernel (or libbpf)
 * returned, so that scripts can tell EEXIST from ERANGE from ESTALE.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/netkit2.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static const char *usage_text =
"usage: netkit2ctl [-j] COMMAND ...\n"
"  attach DEV primary|peer OBJ|id:ID [PROG] [first|last|before [ID]|after [ID]]\n"
"         [replace ID] [revision N] [owned [hold]]\n"
"      load PROG (program or section name; default: the first) from the\n"
"      BPF object OBJ and attach it; prints the program id. With owned,\n"
"      the attachment lives as long as the netlink socket: hold keeps\n"
"      the socket (and the program) until the tool is killed. id:ID\n"
"      attaches the already loaded program ID instead.\n"
"  detach DEV primary|peer [id ID] [first|last|before [ID]|after [ID]]\n"
"         [revision N]\n"
"  query DEV primary|peer     program ids in run order, and revision\n"
"  prog ID                    exit 0 if program ID exists, else ENOENT\n"
"  monitor                    print change notifications (JSON after the\n"
"                             command, side and ifindex) until killed\n"
"DEV is the primary device, by name or ifindex.\n";

static struct mnl_socket *nl;
static uint16_t family;
static bool json;

static int usage(void)
{
	fputs(usage_text, stderr);
	return EINVAL;
}

/*
 * Send @nlh and read until its ack (or error). Messages carrying data are
 * handed to @cb. Returns 0 or a positive errno; prints the kernel's
 * extended ack message, if any.
 */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t len;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		struct nlmsghdr *m;

		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			return errno;
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, (int)len);
		     m = mnl_nlmsg_next(m, (int *)&len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(m);
				size_t off = sizeof(*e);
				struct nlattr *a;

				if (!e->error)
					return 0;
				if (!(m->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - sizeof(e->msg);
				if (m->nlmsg_flags & NLM_F_ACK_TLVS)
					mnl_attr_for_each(a, m, off)
						if (mnl_attr_get_type(a) ==
						    NLMSGERR_ATTR_MSG)
							fprintf(stderr, "netkit2ctl: %s\n",
								mnl_attr_get_str(a));
				return -e->error;
			}
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && cb(m, data) < 0)
				return EPROTO;
		}
	}
}

static uint32_t mcgrp_changes;

static void family_groups(const struct nlattr *groups)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, groups) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, NETKIT2_GENL_MCGRP_CHANGES))
			mcgrp_changes = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			family_groups(a);
	}
	return MNL_CB_OK;
}

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd,
				  uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static int nl_open(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, err;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netkit2ctl: netlink");
		return errno;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NETKIT2_GENL_NAME);
	err = nl_talk(nlh, family_cb, &family);
	if (!err && !family)
		err = ENOENT;
	if (err)
		fprintf(stderr, "netkit2ctl: family %s: %s (module loaded?)\n",
			NETKIT2_GENL_NAME, strerror(err));
	return err;
}

struct target {
	uint32_t ifindex;
	uint32_t side;
};

static int parse_target(char **argv, struct target *t)
{
	char *end;

	t->ifindex = if_nametoindex(argv[0]);
	if (!t->ifindex) {
		t->ifindex = strtoul(argv[0], &end, 0);
		if (*end || !t->ifindex) {
			fprintf(stderr, "netkit2ctl: no device %s\n", argv[0]);
			return ENODEV;
		}
	}
	if (!strcmp(argv[1], "primary"))
		t->side = NETKIT2_TARGET_PRIMARY;
	else if (!strcmp(argv[1], "peer"))
		t->side = NETKIT2_TARGET_PEER;
	else
		return usage();
	return 0;
}

static void put_target(struct nlmsghdr *nlh, const struct target *t)
{
	mnl_attr_put_u32(nlh, NETKIT2_A_IFINDEX, t->ifindex);
	mnl_attr_put_u32(nlh, NETKIT2_A_TARGET, t->side);
}

static bool is_num(const char *s)
{
	return s && *s >= '0' && *s <= '9';
}

/*
 * Position words shared by attach and detach. Returns the number of
 * arguments used (0: not a position word).
 */
static int parse_pos(char **argv, struct nlmsghdr *nlh, uint32_t *flags)
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
			mnl_attr_put_u32(nlh, NETKIT2_A_RELATIVE_ID,
					 strtoul(argv[1], NULL, 0));
			return 2;
		}
		return 1;
	}
	if (!strcmp(argv[0], "revision") && is_num(argv[1])) {
		mnl_attr_put_u64(nlh, NETKIT2_A_EXPECTED_REVISION,
				 strtoull(argv[1], NULL, 0));
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

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

static void on_signal(int sig)
{
	(void)sig;
}

/* Load program @want (name or section; NULL: the first) of object @path. */
static int load(const char *path, const char *want, struct bpf_object **objp)
{
	struct bpf_program *prog = NULL, *p;
	struct bpf_object *obj;
	int err;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		err = errno;
		fprintf(stderr, "netkit2ctl: open %s: %s\n", path, strerror(err));
		return -err;
	}
	bpf_object__for_each_program(p, obj) {
		if (!prog && (!want || !strcmp(bpf_program__name(p), want) ||
			      !strcmp(bpf_program__section_name(p), want)))
			prog = p;
		else
			bpf_program__set_autoload(p, false);
	}
	if (!prog) {
		fprintf(stderr, "netkit2ctl: no program %s in %s\n",
			want ? want : "", path);
		bpf_object__close(obj);
		return -ENOENT;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "netkit2ctl: load %s: %s\n", path, strerror(-err));
		bpf_object__close(obj);
		return err;
	}
	*objp = obj;
	return bpf_program__fd(prog);
}

static int cmd_attach(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct bpf_prog_info info = {};
	uint32_t info_len = sizeof(info);
	struct bpf_object *obj = NULL;
	const char *want = NULL;
	bool owned = false, hold = false;
	struct nlmsghdr *nlh;
	uint32_t flags = 0;
	struct target t;
	int i, n, err, fd;

	if (argc < 3)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	nlh = msg_start(buf, family, NETKIT2_CMD_ATTACH, NETKIT2_GENL_VERSION);
	put_target(nlh, &t);
	i = 3;
	if (argc > 3 && !is_keyword(argv[3])) {
		want = argv[3];
		i = 4;
	}
	for (; i < argc; i += n) {
		n = parse_pos(&argv[i], nlh, &flags);
		if (n)
			continue;
		n = 1;
		if (!strcmp(argv[i], "replace") && is_num(argv[i + 1])) {
			flags |= NETKIT2_F_REPLACE;
			mnl_attr_put_u32(nlh, NETKIT2_A_REPLACE_ID,
					 strtoul(argv[i + 1], NULL, 0));
			n = 2;
		} else if (!strcmp(argv[i], "owned")) {
			owned = true;
		} else if (!strcmp(argv[i], "hold")) {
			hold = true;
		} else {
			return usage();
		}
	}

	if (!strncmp(argv[2], "id:", 3)) {
		fd = bpf_prog_get_fd_by_id(strtoul(argv[2] + 3, NULL, 0));
		if (fd < 0) {
			err = errno;
			fprintf(stderr, "netkit2ctl: %s: %s\n", argv[2], strerror(err));
			return err;
		}
	} else {
		fd = load(argv[2], want, &obj);
		if (fd < 0)
			return -fd;
	}
	mnl_attr_put_u32(nlh, NETKIT2_A_PROG_FD, fd);
	if (flags)
		mnl_attr_put_u32(nlh, NETKIT2_A_FLAGS, flags);
	if (owned)
		mnl_attr_put(nlh, NETKIT2_A_OWNED, 0, NULL);
	err = nl_talk(nlh, NULL, NULL);
	if (err) {
		fprintf(stderr, "netkit2ctl: attach: %s\n", strerror(err));
		return err;
	}
	if (!bpf_obj_get_info_by_fd(fd, &info, &info_len))
		printf("%u\n", info.id);
	fflush(stdout);
	if (owned && hold) {
		signal(SIGTERM, on_signal);
		signal(SIGINT, on_signal);
		pause();
	}
	bpf_object__close(obj);
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t flags = 0;
	struct target t;
	int i, n, err;

	if (argc < 2)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	nlh = msg_start(buf, family, NETKIT2_CMD_DETACH, NETKIT2_GENL_VERSION);
	put_target(nlh, &t);
	for (i = 2; i < argc; i += n) {
		n = parse_pos(&argv[i], nlh, &flags);
		if (n)
			continue;
		if (!strcmp(argv[i], "id") && is_num(argv[i + 1])) {
			mnl_attr_put_u32(nlh, NETKIT2_A_PROG_ID,
					 strtoul(argv[i + 1], NULL, 0));
			n = 2;
		} else {
			return usage();
		}
	}
	if (flags)
		mnl_attr_put_u32(nlh, NETKIT2_A_FLAGS, flags);
	err = nl_talk(nlh, NULL, NULL);
	if (err)
		fprintf(stderr, "netkit2ctl: detach: %s\n", strerror(err));
	return err;
}

static int query_cb(const struct nlmsghdr *nlh, void *data)
{
	const uint32_t *ids = NULL, *owners = NULL;
	uint64_t revision = 0;
	unsigned int i, n = 0;
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NETKIT2_A_REVISION:
			revision = mnl_attr_get_u64(a);
			break;
		case NETKIT2_A_PROG_IDS:
			ids = mnl_attr_get_payload(a);
			n = mnl_attr_get_payload_len(a) / sizeof(*ids);
			break;
		case NETKIT2_A_PROG_OWNERS:
			owners = mnl_attr_get_payload(a);
			break;
		}
	}
	if (json) {
		printf("{\"revision\":%" PRIu64 ",\"progs\":[", revision);
		for (i = 0; i < n; i++)
			printf("%s{\"id\":%u,\"owner\":%u}", i ? "," : "",
			       ids[i], owners ? owners[i] : 0);
		printf("]}\n");
	} else {
		printf("revision %" PRIu64 "\n", revision);
		for (i = 0; i < n; i++) {
			printf("%u", ids[i]);
			if (owners && owners[i])
				printf(" owner %u", owners[i]);
			printf("\n");
		}
	}
	return MNL_CB_OK;
}

static int cmd_query(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct target t;
	int err;

	if (argc != 2)
		return usage();
	err = parse_target(argv, &t);
	if (err)
		return err;
	nlh = msg_start(buf, family, NETKIT2_CMD_QUERY, NETKIT2_GENL_VERSION);
	put_target(nlh, &t);
	err = nl_talk(nlh, query_cb, NULL);
	if (err)
		fprintf(stderr, "netkit2ctl: query: %s\n", strerror(err));
	return err;
}

/* Print every change notification, one line each, until killed. */
static int cmd_monitor(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t len;

	if (!mcgrp_changes ||
	    mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &mcgrp_changes,
				  sizeof(mcgrp_changes)) < 0) {
		perror("netkit2ctl: join group " NETKIT2_GENL_MCGRP_CHANGES);
		return errno ? errno : ENOENT;
	}
	json = true;
	for (;;) {
		struct nlmsghdr *m;

		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			return errno;
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, (int)len);
		     m = mnl_nlmsg_next(m, (int *)&len)) {
			struct genlmsghdr *g = mnl_nlmsg_get_payload(m);
			struct nlattr *a;

			if (m->nlmsg_type != family)
				continue;
			printf("%s ", g->cmd == NETKIT2_CMD_ATTACH ? "attach" :
			       g->cmd == NETKIT2_CMD_DETACH ? "detach" : "?");
			mnl_attr_for_each(a, m, sizeof(*g)) {
				if (mnl_attr_get_type(a) == NETKIT2_A_IFINDEX)
					printf("ifindex %u ", mnl_attr_get_u32(a));
				else if (mnl_attr_get_type(a) == NETKIT2_A_TARGET)
					printf("%s ", mnl_attr_get_u32(a) ?
					       "peer" : "primary");
			}
			query_cb(m, NULL);
			fflush(stdout);
		}
	}
}

static int cmd_prog(int argc, char **argv)
{
	int fd;

	if (argc != 1 || !is_num(argv[0]))
		return usage();
	fd = bpf_prog_get_fd_by_id(strtoul(argv[0], NULL, 0));
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int err;

	argv++;
	argc--;
	if (argc && !strcmp(argv[0], "-j")) {
		json = true;
		argv++;
		argc--;
	}
	if (!argc)
		return usage();
	if (!strcmp(argv[0], "prog"))
		return cmd_prog(argc - 1, argv + 1);
	err = nl_open();
	if (err)
		return err;
	if (!strcmp(argv[0], "attach"))
		err = cmd_attach(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "detach"))
		err = cmd_detach(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "query"))
		err = cmd_query(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "monitor") && argc == 1)
		err = cmd_monitor();
	else
		err = usage();
	mnl_socket_close(nl);
	return err;
}
