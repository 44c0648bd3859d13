// SPDX-License-Identifier: GPL-2.0
/*
 * test-print.c - print-side self test of link_netkit2.so without a kernel.
 *
 * Linked with link_netkit2.c and iproute2's own lib/json_print.c,
 * lib/json_writer.c and lib/color.c (the code ip uses to print), it feeds
 * synthetic IFLA_INFO_DATA attribute tables to netkit2_link_util.print_opt
 * and compares the text and JSON output with what "ip -d link show" and
 * "ip -j -d link show" must print. Stand-ins replace the few ip functions
 * the parse side needs, which this test does not exercise.
 *
 * Output is TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "utils.h"
#include "ip_common.h"
#include "json_print.h"

#include <linux/netkit2.h>

extern struct link_util netkit2_link_util;

/* Stand-ins for what ip itself provides to lib/ and to the parse side. */
int pretty;
const char *_SL_ = "\n";

bool matches(const char *prefix, const char *string)
{
	if (!*prefix)
		return true;
	while (*string && *prefix == *string) {
		prefix++;
		string++;
	}
	return !*prefix;
}

static void __attribute__((noreturn)) not_here(const char *fn)
{
	fprintf(stderr, "%s called\n", fn);
	abort();
}

#define UNUSED __attribute__((unused))

int addattr16(UNUSED struct nlmsghdr *n, UNUSED int maxlen, UNUSED int type,
	      UNUSED __u16 data) { not_here(__func__); }
int addattr32(UNUSED struct nlmsghdr *n, UNUSED int maxlen, UNUSED int type,
	      UNUSED __u32 data) { not_here(__func__); }
struct rtattr *addattr_nest(UNUSED struct nlmsghdr *n, UNUSED int maxlen,
			    UNUSED int type) { not_here(__func__); }
int addattr_nest_end(UNUSED struct nlmsghdr *n, UNUSED struct rtattr *nest)
{ not_here(__func__); }
int iplink_parse(UNUSED int argc, UNUSED char **argv,
		 UNUSED struct iplink_req *req, UNUSED char **type)
{ not_here(__func__); }
void duparg(UNUSED const char *key, UNUSED const char *arg) { not_here(__func__); }
void invarg(UNUSED const char *msg, UNUSED const char *arg) { not_here(__func__); }
void incomplete_command(void) { not_here(__func__); }
int get_u16(UNUSED __u16 *val, UNUSED const char *arg, UNUSED int base)
{ not_here(__func__); }

/* A table of attributes, the way ip hands IFLA_INFO_DATA to print_opt. */
struct attrs {
	char buf[512];
	size_t len;
	struct rtattr *tb[IFLA_NETKIT2_MAX + 1];
};

static void put(struct attrs *a, int type, const void *data, size_t size)
{
	struct rtattr *rta = (struct rtattr *)(a->buf + a->len);

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(size);
	if (size)
		memcpy(RTA_DATA(rta), data, size);
	a->tb[type] = rta;
	a->len += RTA_ALIGN(rta->rta_len);
}

static void put_u8(struct attrs *a, int type, __u8 v) { put(a, type, &v, sizeof(v)); }
static void put_u16(struct attrs *a, int type, __u16 v) { put(a, type, &v, sizeof(v)); }
static void put_u32(struct attrs *a, int type, __u32 v) { put(a, type, &v, sizeof(v)); }

static int failures, tests;

static char *render(struct attrs *a, bool json)
{
	FILE *saved = stdout, *mem;
	char *out = NULL;
	size_t size = 0;

	mem = open_memstream(&out, &size);
	if (!mem)
		abort();
	stdout = mem;
	new_json_obj(json);
	open_json_object(NULL);
	netkit2_link_util.print_opt(&netkit2_link_util, mem, a ? a->tb : NULL);
	close_json_object();
	delete_json_obj();
	fflush(mem);
	stdout = saved;
	fclose(mem);
	/* json_writer ends the document with a newline: not part of it. */
	if (size && out[size - 1] == '\n')
		out[size - 1] = '\0';
	return out;
}

static void check(const char *name, struct attrs *a, const char *text,
		  const char *json)
{
	char *got;

	got = render(a, false);
	tests++;
	if (strcmp(got, text)) {
		failures++;
		printf("not ok %d - %s (text)\n#   got:  \"%s\"\n#   want: \"%s\"\n",
		       tests, name, got, text);
	} else {
		printf("ok %d - %s (text): %s\n", tests, name, got);
	}
	free(got);

	/* ip prints its links as a JSON array of objects. */
	got = render(a, true);
	tests++;
	if (got[0] != '[' || strlen(got) < 2 || got[strlen(got) - 1] != ']' ||
	    strlen(got) - 2 != strlen(json) || strncmp(got + 1, json, strlen(json))) {
		failures++;
		printf("not ok %d - %s (json)\n#   got:  %s\n#   want: %s\n",
		       tests, name, got, json);
	} else {
		printf("ok %d - %s (json): %s\n", tests, name, got);
	}
	free(got);
}

int main(void)
{
	struct attrs a;

	printf("TAP version 13\n1..15\n");

	if (strcmp(netkit2_link_util.id, "netkit2") ||
	    netkit2_link_util.maxattr != IFLA_NETKIT2_MAX ||
	    !netkit2_link_util.parse_opt || !netkit2_link_util.print_opt ||
	    !netkit2_link_util.print_help) {
		printf("not ok 1 - link_util\n");
		failures++;
	} else {
		printf("ok 1 - link_util: id %s maxattr %d\n",
		       netkit2_link_util.id, netkit2_link_util.maxattr);
	}
	tests++;

	/* Primary of a pair, as the kernel reports it after
	 * "mode l2 scrub default peer blackhole scrub none headroom 32 tailroom 8".
	 */
	memset(&a, 0, sizeof(a));
	put_u32(&a, IFLA_NETKIT2_POLICY, NETKIT2_PASS);
	put_u32(&a, IFLA_NETKIT2_PEER_POLICY, NETKIT2_DROP);
	put_u32(&a, IFLA_NETKIT2_MODE, NETKIT2_L2);
	put_u8(&a, IFLA_NETKIT2_PRIMARY, 1);
	put_u32(&a, IFLA_NETKIT2_SCRUB, NETKIT2_SCRUB_DEFAULT);
	put_u32(&a, IFLA_NETKIT2_PEER_SCRUB, NETKIT2_SCRUB_NONE);
	put_u16(&a, IFLA_NETKIT2_HEADROOM, 32);
	put_u16(&a, IFLA_NETKIT2_TAILROOM, 8);
	put_u32(&a, IFLA_NETKIT2_PAIRING, NETKIT2_DEVICE_PAIR);
	check("primary", &a,
	      "mode l2 type primary policy forward peer policy blackhole "
	      "scrub default peer scrub none headroom 32 tailroom 8 pairing pair ",
	      "{\"mode\":\"l2\",\"type\":\"primary\",\"policy\":\"forward\","
	      "\"peer_policy\":\"blackhole\",\"scrub\":\"default\","
	      "\"peer_scrub\":\"none\",\"headroom\":32,\"tailroom\":8,"
	      "\"pairing\":\"pair\"}");

	/* Its peer. */
	memset(&a, 0, sizeof(a));
	put_u32(&a, IFLA_NETKIT2_MODE, NETKIT2_L3);
	put_u8(&a, IFLA_NETKIT2_PRIMARY, 0);
	put_u32(&a, IFLA_NETKIT2_POLICY, NETKIT2_DROP);
	put_u32(&a, IFLA_NETKIT2_PEER_POLICY, NETKIT2_PASS);
	check("peer", &a,
	      "mode l3 type peer policy blackhole peer policy forward ",
	      "{\"mode\":\"l3\",\"type\":\"peer\",\"policy\":\"blackhole\","
	      "\"peer_policy\":\"forward\"}");

	/* A single device. */
	memset(&a, 0, sizeof(a));
	put_u32(&a, IFLA_NETKIT2_MODE, NETKIT2_L3);
	put_u8(&a, IFLA_NETKIT2_PRIMARY, 1);
	put_u32(&a, IFLA_NETKIT2_POLICY, NETKIT2_PASS);
	put_u32(&a, IFLA_NETKIT2_PAIRING, NETKIT2_DEVICE_SINGLE);
	check("single", &a,
	      "mode l3 type primary policy forward pairing single ",
	      "{\"mode\":\"l3\",\"type\":\"primary\",\"policy\":\"forward\","
	      "\"pairing\":\"single\"}");

	/* Values this plugin does not know, and a policy of NETKIT2_NEXT. */
	memset(&a, 0, sizeof(a));
	put_u32(&a, IFLA_NETKIT2_MODE, 7);
	put_u32(&a, IFLA_NETKIT2_POLICY, (__u32)NETKIT2_NEXT);
	put_u32(&a, IFLA_NETKIT2_PEER_POLICY, NETKIT2_REDIRECT);
	put_u32(&a, IFLA_NETKIT2_SCRUB, 9);
	put_u32(&a, IFLA_NETKIT2_PAIRING, 5);
	check("unknown values", &a,
	      "mode UNKNOWN policy UNKNOWN peer policy UNKNOWN scrub UNKNOWN pairing UNKNOWN ",
	      "{\"mode\":\"UNKNOWN\",\"policy\":\"UNKNOWN\","
	      "\"peer_policy\":\"UNKNOWN\",\"scrub\":\"UNKNOWN\","
	      "\"pairing\":\"UNKNOWN\"}");

	/* Truncated attributes are skipped, not read past their end. */
	memset(&a, 0, sizeof(a));
	put_u8(&a, IFLA_NETKIT2_MODE, 1);
	put_u8(&a, IFLA_NETKIT2_HEADROOM, 1);
	put(&a, IFLA_NETKIT2_PRIMARY, NULL, 0);
	put_u32(&a, IFLA_NETKIT2_TAILROOM, 0);
	check("short attributes", &a, "tailroom 0 ", "{\"tailroom\":0}");

	/* Empty table, and no IFLA_INFO_DATA at all. */
	memset(&a, 0, sizeof(a));
	check("no attributes", &a, "", "{}");
	check("no IFLA_INFO_DATA", NULL, "", "{}");

	printf("# %d/%d passed\n", tests - failures, tests);
	return failures ? 1 : 0;
}
