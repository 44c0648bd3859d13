// SPDX-License-Identifier: GPL-2.0
/*
 * link_netkit2.c - iproute2 link plugin for "netkit2" devices.
 *
 * ip(8) dlopens link_netkit2.so from its library directory (or from
 * $IP_LIB_DIR) the first time it meets "type netkit2" and looks up the
 * symbol netkit2_link_util. Everything called from here is resolved
 * against the symbols the ip binary exports, so only functions exported
 * by every supported iproute2 release are used (see the Makefile's
 * check-syms target); accessors that are inline in iproute2's headers
 * are not used on attributes coming from the kernel, their payload is
 * read here after a length check.
 *
 * The command line follows the one of the kernel's built-in netkit:
 *
 *   ip link add [ name ] DEV type netkit2 [ mode l3|l2 ] [ POLICY ]
 *       [ scrub default|none ] [ headroom N ] [ tailroom N ] [ single ]
 *       [ peer [ POLICY ] [ scrub default|none ] [ IP-LINK-OPTIONS ] ]
 *   ip link set DEV type netkit2 [ POLICY ] [ peer [ POLICY ] ]
 *
 * POLICY and "scrub" before "peer" are the primary device's, after it the
 * peer's. The first word after "peer" that is not a netkit2 option starts
 * the peer's own ip-link options (name, address, mtu, netns, ...), parsed
 * by iproute2's iplink_parse() into IFLA_NETKIT2_PEER_INFO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "utils.h"
#include "ip_common.h"

#include <linux/netkit2.h>

#define NK2_MAXLEN	((int)sizeof(struct iplink_req))

struct nk2_word {
	const char	*word;
	__u32		value;
};

static const struct nk2_word nk2_modes[] = {
	{ "l3",		NETKIT2_L3 },
	{ "l2",		NETKIT2_L2 },
	{ NULL,		0 },
};

static const struct nk2_word nk2_policies[] = {
	{ "forward",	NETKIT2_PASS },
	{ "blackhole",	NETKIT2_DROP },
	{ NULL,		0 },
};

static const struct nk2_word nk2_scrubs[] = {
	{ "default",	NETKIT2_SCRUB_DEFAULT },
	{ "none",	NETKIT2_SCRUB_NONE },
	{ NULL,		0 },
};

static const struct nk2_word nk2_pairings[] = {
	{ "pair",	NETKIT2_DEVICE_PAIR },
	{ "single",	NETKIT2_DEVICE_SINGLE },
	{ NULL,		0 },
};

static const struct nk2_word *nk2_by_word(const struct nk2_word *tab,
					   const char *word)
{
	for (; tab->word; tab++)
		if (strcmp(tab->word, word) == 0)
			return tab;
	return NULL;
}

static const char *nk2_to_word(const struct nk2_word *tab, __u32 value)
{
	for (; tab->word; tab++)
		if (tab->value == value)
			return tab->word;
	return "UNKNOWN";
}

static void nk2_usage(struct link_util *lu, FILE *f)
{
	fprintf(f,
		"Usage: ... %s [ mode MODE ] [ POLICY ] [ scrub SCRUB ]\n"
		"\t\t[ headroom BYTES ] [ tailroom BYTES ] [ single ]\n"
		"\t\t[ peer [ POLICY ] [ scrub SCRUB ] [ <options> ] ]\n"
		"\n"
		"MODE: l3 | l2\n"
		"POLICY: forward | blackhole\n"
		"SCRUB: default | none\n"
		"BYTES: 0..65535, extra head/tail room the stack reserves\n"
		"(first values are the defaults if nothing is specified)\n"
		"\n"
		"POLICY and scrub given after \"peer\" apply to the peer device;\n"
		"\"single\" creates the primary device alone, without a peer.\n"
		"To change a device's policy: ip link set DEV type %s [ POLICY ]\n"
		"\t\t[ peer POLICY ]\n"
		"To get <options> type 'ip link add help'.\n",
		lu->id, lu->id);
}

static int nk2_bad_word(const char *what, const char *arg,
			const struct nk2_word *tab)
{
	fprintf(stderr, "Error: argument \"%s\" of \"%s\" is invalid, must be one of:",
		arg, what);
	for (; tab->word; tab++)
		fprintf(stderr, " \"%s\"", tab->word);
	fprintf(stderr, "\n");
	return -1;
}

/*
 * The rest of the command line describes the peer device. iplink_parse()
 * writes the peer's ifindex and flags into the request's own ifinfomsg and
 * appends the peer's IFLA_* attributes to the message: open the nest,
 * reserve the peer's ifinfomsg inside it, let iplink_parse() fill it in,
 * then move the ifinfomsg fields it set to the peer's copy and restore the
 * primary device's.
 */
static int nk2_parse_peer(int argc, char **argv, struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n);
	struct ifinfomsg saved = *ifm;
	struct ifinfomsg *peer;
	struct rtattr *nest;
	char *type = NULL;
	int ret;

	nest = addattr_nest(n, NK2_MAXLEN, IFLA_NETKIT2_PEER_INFO);
	if (!nest)
		return -1;
	if (NLMSG_ALIGN(n->nlmsg_len) + sizeof(*peer) > (size_t)NK2_MAXLEN) {
		fprintf(stderr, "Error: message too long for the peer's options\n");
		return -1;
	}
	peer = (struct ifinfomsg *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	memset(peer, 0, sizeof(*peer));
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + sizeof(*peer);

	ifm->ifi_index = 0;
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;

	ret = iplink_parse(argc, argv, (struct iplink_req *)n, &type);
	if (ret < 0)
		return ret;
	if (type)
		duparg("type", ret > 0 ? argv[ret - 1] : type);

	peer->ifi_index = ifm->ifi_index;
	peer->ifi_flags = ifm->ifi_flags;
	peer->ifi_change = ifm->ifi_change;

	ifm->ifi_index = saved.ifi_index;
	ifm->ifi_flags = saved.ifi_flags;
	ifm->ifi_change = saved.ifi_change;

	addattr_nest_end(n, nest);
	return 0;
}

static int netkit2_parse_opt(struct link_util *lu, int argc, char **argv,
			     struct nlmsghdr *n)
{
	bool seen_mode = false, seen_head = false, seen_tail = false;
	bool seen_policy[2] = { false, false };
	bool seen_scrub[2] = { false, false };
	bool single = false;
	bool in_peer = false;
	const struct nk2_word *w;
	__u16 room;

	for (; argc > 0; argc--, argv++) {
		if (strcmp(*argv, "mode") == 0) {
			NEXT_ARG();
			if (seen_mode)
				duparg("mode", *argv);
			seen_mode = true;
			w = nk2_by_word(nk2_modes, *argv);
			if (!w)
				return nk2_bad_word("mode", *argv, nk2_modes);
			addattr32(n, NK2_MAXLEN, IFLA_NETKIT2_MODE, w->value);
		} else if ((w = nk2_by_word(nk2_policies, *argv))) {
			if (seen_policy[in_peer])
				duparg(in_peer ? "peer policy" : "policy", *argv);
			seen_policy[in_peer] = true;
			addattr32(n, NK2_MAXLEN, in_peer ?
				  IFLA_NETKIT2_PEER_POLICY : IFLA_NETKIT2_POLICY,
				  w->value);
		} else if (strcmp(*argv, "scrub") == 0) {
			NEXT_ARG();
			if (seen_scrub[in_peer])
				duparg(in_peer ? "peer scrub" : "scrub", *argv);
			seen_scrub[in_peer] = true;
			w = nk2_by_word(nk2_scrubs, *argv);
			if (!w)
				return nk2_bad_word("scrub", *argv, nk2_scrubs);
			addattr32(n, NK2_MAXLEN, in_peer ?
				  IFLA_NETKIT2_PEER_SCRUB : IFLA_NETKIT2_SCRUB,
				  w->value);
		} else if (strcmp(*argv, "headroom") == 0 ||
			   strcmp(*argv, "tailroom") == 0) {
			bool head = (*argv)[0] == 'h';
			bool *seen = head ? &seen_head : &seen_tail;
			const char *what = *argv;

			NEXT_ARG();
			if (*seen)
				duparg(what, *argv);
			*seen = true;
			if (get_u16(&room, *argv, 0))
				invarg(head ? "invalid \"headroom\" value" :
				       "invalid \"tailroom\" value", *argv);
			addattr16(n, NK2_MAXLEN, head ?
				  IFLA_NETKIT2_HEADROOM : IFLA_NETKIT2_TAILROOM,
				  room);
		} else if (strcmp(*argv, "single") == 0) {
			if (single)
				duparg("single", *argv);
			single = true;
			addattr32(n, NK2_MAXLEN, IFLA_NETKIT2_PAIRING,
				  NETKIT2_DEVICE_SINGLE);
		} else if (strcmp(*argv, "peer") == 0) {
			if (in_peer)
				duparg("peer", argc > 1 ? argv[1] : *argv);
			in_peer = true;
		} else if (in_peer) {
			break;
		} else if (strcmp(*argv, "help") == 0) {
			nk2_usage(lu, stderr);
			return -1;
		} else {
			fprintf(stderr, "%s: unknown option \"%s\"?\n",
				lu->id, *argv);
			nk2_usage(lu, stderr);
			return -1;
		}
	}

	if (single && in_peer) {
		fprintf(stderr,
			"Error: a \"single\" %s device has no peer, \"peer\" cannot be used\n",
			lu->id);
		return -1;
	}
	if (argc > 0)
		return nk2_parse_peer(argc, argv, n);
	return 0;
}

static bool nk2_get_u32(struct rtattr *tb[], int type, __u32 *val)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(__u32))
		return false;
	memcpy(val, RTA_DATA(tb[type]), sizeof(*val));
	return true;
}

static bool nk2_get_u16(struct rtattr *tb[], int type, __u16 *val)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(__u16))
		return false;
	memcpy(val, RTA_DATA(tb[type]), sizeof(*val));
	return true;
}

static void netkit2_print_opt(struct link_util *lu, FILE *f,
			      struct rtattr *tb[])
{
	__u32 v32;
	__u16 v16;

	(void)lu;
	(void)f;
	if (!tb)
		return;

	if (nk2_get_u32(tb, IFLA_NETKIT2_MODE, &v32))
		print_string(PRINT_ANY, "mode", "mode %s ",
			     nk2_to_word(nk2_modes, v32));
	if (tb[IFLA_NETKIT2_PRIMARY] &&
	    RTA_PAYLOAD(tb[IFLA_NETKIT2_PRIMARY]) >= sizeof(__u8))
		print_string(PRINT_ANY, "type", "type %s ",
			     *(__u8 *)RTA_DATA(tb[IFLA_NETKIT2_PRIMARY]) ?
			     "primary" : "peer");
	if (nk2_get_u32(tb, IFLA_NETKIT2_POLICY, &v32))
		print_string(PRINT_ANY, "policy", "policy %s ",
			     nk2_to_word(nk2_policies, v32));
	if (nk2_get_u32(tb, IFLA_NETKIT2_PEER_POLICY, &v32))
		print_string(PRINT_ANY, "peer_policy", "peer policy %s ",
			     nk2_to_word(nk2_policies, v32));
	if (nk2_get_u32(tb, IFLA_NETKIT2_SCRUB, &v32))
		print_string(PRINT_ANY, "scrub", "scrub %s ",
			     nk2_to_word(nk2_scrubs, v32));
	if (nk2_get_u32(tb, IFLA_NETKIT2_PEER_SCRUB, &v32))
		print_string(PRINT_ANY, "peer_scrub", "peer scrub %s ",
			     nk2_to_word(nk2_scrubs, v32));
	if (nk2_get_u16(tb, IFLA_NETKIT2_HEADROOM, &v16))
		print_uint(PRINT_ANY, "headroom", "headroom %u ", v16);
	if (nk2_get_u16(tb, IFLA_NETKIT2_TAILROOM, &v16))
		print_uint(PRINT_ANY, "tailroom", "tailroom %u ", v16);
	if (nk2_get_u32(tb, IFLA_NETKIT2_PAIRING, &v32))
		print_string(PRINT_ANY, "pairing", "pairing %s ",
			     nk2_to_word(nk2_pairings, v32));
}

static void netkit2_print_help(struct link_util *lu, int argc, char **argv,
			       FILE *f)
{
	(void)argc;
	(void)argv;
	nk2_usage(lu, f);
}

__attribute__((visibility("default")))
struct link_util netkit2_link_util = {
	.id		= NETKIT2_KIND,
	.maxattr	= IFLA_NETKIT2_MAX,
	.parse_opt	= netkit2_parse_opt,
	.print_opt	= netkit2_print_opt,
	.print_help	= netkit2_print_help,
};
