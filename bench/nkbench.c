// SPDX-License-Identifier: GPL-2.0
/*
 * nkbench: the load generators and control-plane probes of the netkit2
 * benchmark (bench/run). Every subcommand prints its figures on one line,
 * "name=value" pairs, for bench/guest.sh to collect.
 *
 *   udp-sink PORT MAXSECS          count datagrams until SIGTERM or MAXSECS
 *   udp-flood ADDR PORT SECS       send 64-byte frames (22-byte payload)
 *   rr-server PORT                 echo 1-byte requests, forever
 *   rr-client ADDR PORT SECS       1-byte request/response over TCP
 *   link KIND NAME PEER [l2]       create a veth/netkit/netkit2 pair
 *   pairs KIND N                   create and delete N pairs: time, memory
 *   progs KIND DEV N               attach N programs, replace each, detach
 *                                  them: time per operation
 *   hold KIND DEV pass|chain8|redirect|to:IFINDEX|peer:IFINDEX
 *                                  attach programs to DEV's primary side
 *                                  (veth: DEV's tcx ingress), print
 *                                  "ready", detach on SIGTERM; to: and
 *                                  peer: send every packet on with
 *                                  bpf_redirect(IFINDEX, 0) and
 *                                  bpf_redirect_peer(IFINDEX, 0)
 *
 * Programs go to upstream netkit through bpf_link_create() with
 * BPF_NETKIT_PRIMARY (raw bpf(): the distro libbpf may predate the netkit
 * attach API), to netkit2 through its generic netlink family with
 * libnetkit2 (tools/lib/netkit2, linked in statically), and for veth
 * to tcx ingress of the receiving device (BPF_TCX_INGRESS), where a
 * veth-based datapath runs them. tcx and netkit share the verdict values.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <linux/netkit2.h>

#include "netkit2.h"

/* enum bpf_attach_type of kernels with netkit (6.7+). */
#define NKB_BPF_TCX_INGRESS	46
#define NKB_BPF_NETKIT_PRIMARY	54
/* IFLA_NETKIT_MODE and its values, the same numbers for netkit2. */
#define NKB_IFLA_NK_PEER_INFO	1
#define NKB_IFLA_NK_MODE	5
#define NKB_NK_L2		0
#define NKB_NK_L3		1

#define NKB_PROGS_MAX		64

static void die(const char *what)
{
	fprintf(stderr, "nkbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "nkbench: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		fail("bad address %s", ip);
	return sin;
}

/* ---- small packets ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

#define UDP_PAYLOAD	22	/* 14 eth + 20 ip + 8 udp + 22 = 64 bytes */
#define UDP_BATCH	64

static int cmd_udp_sink(char **argv)
{
	struct sockaddr_in sin = addr_of("0.0.0.0", argv[0]);
	double maxsecs = atof(argv[1]), start, first = 0, last = 0;
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	char bufs[UDP_BATCH][64];
	struct timeval tv = { .tv_usec = 200000 };
	int fd, i, n, one = 1, rcvbuf = 4 << 20;
	unsigned long count = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind");
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < UDP_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	/* Counts until SIGTERM (the flood is over) or MAXSECS. */
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);
	start = now();
	while (!stop) {
		n = recvmmsg(fd, msgs, UDP_BATCH, 0, NULL);
		if (n < 0) {
			if (errno != EINTR && errno != EAGAIN &&
			    errno != EWOULDBLOCK)
				die("recvmmsg");
			if (now() - start > maxsecs)
				break;
			continue;
		}
		if (!count)
			first = now();
		count += n;
		last = now();
		if (last - start > maxsecs)
			break;
	}
	printf("rx_pkts=%lu rx_pps=%.0f\n", count,
	       last > first ? count / (last - first) : 0.0);
	return 0;
}

static int cmd_udp_flood(char **argv)
{
	struct sockaddr_in sin = addr_of(argv[0], argv[1]);
	double secs = atof(argv[2]), start, t;
	struct mmsghdr msgs[UDP_BATCH];
	char payload[UDP_PAYLOAD] = "netkit2-bench";
	struct iovec iov = { payload, sizeof(payload) };
	unsigned long sent = 0, errs = 0;
	int fd, i, n;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect");
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < UDP_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now();
	do {
		n = sendmmsg(fd, msgs, UDP_BATCH, 0);
		if (n < 0) {
			/* A full queue somewhere: count it, go on. */
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != ECONNREFUSED && errno != EINTR)
				die("sendmmsg");
			errs++;
			continue;
		}
		sent += n;
	} while ((t = now()) - start < secs);
	printf("tx_pkts=%lu tx_pps=%.0f tx_errs=%lu\n", sent,
	       sent / (t - start), errs);
	return 0;
}

/* ---- request/response ---- */

static int cmd_rr_server(char **argv)
{
	struct sockaddr_in sin = addr_of("0.0.0.0", argv[0]);
	int lfd, fd, one = 1;
	char c;

	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 8))
		die("bind/listen");
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (read(fd, &c, 1) == 1)
			if (write(fd, &c, 1) != 1)
				break;
		close(fd);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmd_rr_client(char **argv)
{
	struct sockaddr_in sin = addr_of(argv[0], argv[1]);
	double secs = atof(argv[2]), start, t0, t1 = 0;
	size_t n = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof(*lat));
	int fd, one = 1;
	char c = 'x';

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || !lat)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect");
	start = now();
	do {
		t0 = now();
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			die("rr transaction");
		t1 = now();
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("realloc");
		}
		lat[n++] = (t1 - t0) * 1e6;
	} while (t1 - start < secs);
	close(fd);
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("rr_tps=%.0f rr_p50_us=%.1f rr_p99_us=%.1f\n", n / (t1 - start),
	       lat[n / 2], lat[(size_t)(n * 0.99)]);
	free(lat);
	return 0;
}

/* ---- netlink ---- */

static struct mnl_socket *nl_open(int bus)
{
	struct mnl_socket *nl = mnl_socket_open(bus);
	int one = 1;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink");
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	return nl;
}

/* Send @nlh and wait for its ack; @cb gets the data messages. */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh,
		   mnl_cb_t cb, void *data)
{
	static uint32_t seq;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, seq, mnl_socket_get_portid(nl),
				 cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static void nl_check(int err, const char *what)
{
	if (err) {
		errno = -err;
		die(what);
	}
}

static int link_add(struct mnl_socket *nl, const char *kind, const char *name,
		    const char *peer, bool l2)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *linkinfo, *data, *pinfo;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* VETH_INFO_PEER and IFLA_NETKIT(2)_PEER_INFO are both 1. */
	pinfo = mnl_attr_nest_start(nlh, NKB_IFLA_NK_PEER_INFO);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, pinfo);
	if (strcmp(kind, "veth"))
		mnl_attr_put_u32(nlh, NKB_IFLA_NK_MODE,
				 l2 ? NKB_NK_L2 : NKB_NK_L3);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(nl, nlh, NULL, NULL);
}

static int link_del(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL);
}

static int cmd_link(int argc, char **argv)
{
	struct mnl_socket *nl = nl_open(NETLINK_ROUTE);

	nl_check(link_add(nl, argv[0], argv[1], argv[2],
			  argc > 3 && !strcmp(argv[3], "l2")), "link add");
	return 0;
}

/* A /proc/meminfo field, in KiB. */
static long meminfo(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			val = atol(line + len + 1);
			break;
		}
	fclose(f);
	return val;
}

static void drop_caches(void)
{
	FILE *f = fopen("/proc/sys/vm/drop_caches", "w");

	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
}

static int cmd_pairs(char **argv)
{
	struct mnl_socket *nl = nl_open(NETLINK_ROUTE);
	long free0, slab0, pcpu0, free1, slab1, pcpu1;
	const char *kind = argv[0];
	int i, n = atoi(argv[1]);
	char a[IFNAMSIZ], b[IFNAMSIZ];
	double t0, t1, t2;

	if (n <= 0)
		fail("bad count %s", argv[1]);
	drop_caches();
	usleep(200000);
	free0 = meminfo("MemFree");
	slab0 = meminfo("Slab");
	pcpu0 = meminfo("Percpu");
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "bpa%d", i);
		snprintf(b, sizeof(b), "bpb%d", i);
		nl_check(link_add(nl, kind, a, b, false), "pair add");
	}
	t1 = now();
	free1 = meminfo("MemFree");
	slab1 = meminfo("Slab");
	pcpu1 = meminfo("Percpu");
	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "bpa%d", i);
		nl_check(link_del(nl, a), "pair del");
	}
	t2 = now();
	printf("create_us=%.0f delete_us=%.0f mem_kib=%.2f slab_kib=%.2f\n",
	       (t1 - t0) * 1e6 / n, (t2 - t1) * 1e6 / n,
	       (double)(free0 - free1) / (2 * n),
	       (double)(slab1 - slab0 + pcpu1 - pcpu0) / (2 * n));
	mnl_socket_close(nl);
	return 0;
}

/* ---- programs ---- */

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)		INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ST_MEM(sz, d, o, i)	INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define JNE_IMM(d, i, o)	INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f)			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define NK_NEXT		-1
#define NK_PASS		0
#define NK_DROP		2

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int prog_load(const struct bpf_insn *insns, unsigned int cnt)
{
	static char log[4096];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		/* Again, for the verifier's reasons. */
		attr.log_buf = (uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		if (sys_bpf(BPF_PROG_LOAD, &attr) < 0)
			fprintf(stderr, "%s\n", log);
		die("BPF_PROG_LOAD");
	}
	return fd;
}

static int prog_ret(int verdict)
{
	const struct bpf_insn insns[] = { MOV64_IMM(BPF_REG_0, verdict), EXIT() };

	return prog_load(insns, 2);
}

/*
 * Redirect to the loopback device (ifindex 1) of the namespace the packet
 * enters, as received there (BPF_F_INGRESS), with the destination MAC
 * zeroed: lo's address, so lo's stack takes the packet as its own.
 */
static int prog_redirect(void)
{
	const struct bpf_insn insns[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		ST_MEM(BPF_W, BPF_REG_10, -8, 0),
		ST_MEM(BPF_H, BPF_REG_10, -4, 0),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		MOV64_IMM(BPF_REG_2, 0),
		MOV64_REG(BPF_REG_3, BPF_REG_10),
		ADD64_IMM(BPF_REG_3, -8),
		MOV64_IMM(BPF_REG_4, 6),
		MOV64_IMM(BPF_REG_5, 0),
		CALL(BPF_FUNC_skb_store_bytes),
		JNE_IMM(BPF_REG_0, 0, 4),
		MOV64_IMM(BPF_REG_1, 1),
		MOV64_IMM(BPF_REG_2, BPF_F_INGRESS),
		CALL(BPF_FUNC_redirect),
		EXIT(),
		MOV64_IMM(BPF_REG_0, NK_DROP),
		EXIT(),
	};

	return prog_load(insns, sizeof(insns) / sizeof(insns[0]));
}

static int ifindex_of(const char *arg)
{
	char *end;
	long ifindex = strtol(arg, &end, 10);

	if (*end || ifindex <= 0 || ifindex > INT32_MAX)
		fail("bad interface index %s", arg);
	return ifindex;
}

/* Every packet to @ifindex: bpf_redirect(), or bpf_redirect_peer(). */
static int prog_redirect_to(int ifindex, bool peer)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_1, ifindex),
		MOV64_IMM(BPF_REG_2, 0),
		CALL(peer ? BPF_FUNC_redirect_peer : BPF_FUNC_redirect),
		EXIT(),
	};

	return prog_load(insns, sizeof(insns) / sizeof(insns[0]));
}

struct attacher {
	bool netkit2;
	int attach_type;
	int ifindex;
	int link[NKB_PROGS_MAX];
	int nlinks;
};

static void attacher_init(struct attacher *at, const char *kind,
			  const char *dev)
{
	memset(at, 0, sizeof(*at));
	at->ifindex = if_nametoindex(dev);
	if (!at->ifindex)
		fail("no device %s", dev);
	at->attach_type = NKB_BPF_NETKIT_PRIMARY;
	if (!strcmp(kind, "netkit"))
		return;
	at->attach_type = NKB_BPF_TCX_INGRESS;
	if (!strcmp(kind, "veth"))
		return;
	if (strcmp(kind, "netkit2"))
		fail("programs attach to veth, netkit or netkit2, not %s", kind);
	at->netkit2 = true;
}

/* A libnetkit2 call's result: a failure ends the run with its message. */
static void nk2_check(int err, const char *what)
{
	if (err >= 0)
		return;
	fprintf(stderr, "nkbench: %s: %s%s%s\n", what, strerror(-err),
		*netkit2_errmsg() ? ": " : "", netkit2_errmsg());
	exit(1);
}

/* Append @fd to the programs (netkit: the primary's; veth: tcx ingress). */
static void attach(struct attacher *at, int fd)
{
	union bpf_attr attr;
	int link;

	if (at->netkit2) {
		nk2_check(netkit2_prog_attach(at->ifindex, NETKIT2_TARGET_PRIMARY,
					      fd, NULL), "netkit2 attach");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = fd;
	attr.link_create.target_ifindex = at->ifindex;
	attr.link_create.attach_type = at->attach_type;
	link = sys_bpf(BPF_LINK_CREATE, &attr);
	if (link < 0)
		die("BPF_LINK_CREATE");
	at->link[at->nlinks++] = link;
}

/*
 * Put @fd in the place of @old, the @i-th attached program (netkit, veth:
 * an update of its link, BPF_LINK_UPDATE).
 */
static void replace(struct attacher *at, int i, int old, int fd)
{
	union bpf_attr attr;

	if (at->netkit2) {
		struct netkit2_attach_opts opts =
			NETKIT2_OPTS(netkit2_attach_opts,
				     .flags = NETKIT2_F_REPLACE,
				     .replace_fd = old);

		nk2_check(netkit2_prog_attach(at->ifindex, NETKIT2_TARGET_PRIMARY,
					      fd, &opts), "netkit2 replace");
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = at->link[i];
	attr.link_update.new_prog_fd = fd;
	if (sys_bpf(BPF_LINK_UPDATE, &attr) < 0)
		die("BPF_LINK_UPDATE");
}

/* Detach @fd (the @i-th attached program). */
static void detach(struct attacher *at, int i, int fd)
{
	if (at->netkit2) {
		nk2_check(netkit2_prog_detach(at->ifindex, NETKIT2_TARGET_PRIMARY,
					      fd, NULL), "netkit2 detach");
		return;
	}
	/* The link's last reference goes: the program is detached. */
	if (close(at->link[i]))
		die("close link");
}

static int cmd_progs(char **argv)
{
	int fds[NKB_PROGS_MAX], nfds[NKB_PROGS_MAX], i, n = atoi(argv[2]);
	double t0, t1, t2, t3;
	struct attacher at;

	if (n <= 0 || n > NKB_PROGS_MAX)
		fail("bad program count %s", argv[2]);
	attacher_init(&at, argv[0], argv[1]);
	for (i = 0; i < n; i++) {
		fds[i] = prog_ret(NK_NEXT);
		nfds[i] = prog_ret(NK_NEXT);
	}
	t0 = now();
	for (i = 0; i < n; i++)
		attach(&at, fds[i]);
	t1 = now();
	for (i = 0; i < n; i++)
		replace(&at, i, fds[i], nfds[i]);
	t2 = now();
	for (i = 0; i < n; i++)
		detach(&at, i, nfds[i]);
	t3 = now();
	printf("attach_us=%.1f replace_us=%.1f detach_us=%.1f\n",
	       (t1 - t0) * 1e6 / n, (t2 - t1) * 1e6 / n, (t3 - t2) * 1e6 / n);
	return 0;
}

static int cmd_hold(char **argv)
{
	int fds[NKB_PROGS_MAX], i, n = 0;
	const char *what = argv[2];
	struct attacher at;
	sigset_t set, old;

	attacher_init(&at, argv[0], argv[1]);
	if (!strcmp(what, "pass")) {
		fds[n++] = prog_ret(NK_PASS);
	} else if (!strcmp(what, "chain8")) {
		while (n < 7)
			fds[n++] = prog_ret(NK_NEXT);
		fds[n++] = prog_ret(NK_PASS);
	} else if (!strcmp(what, "redirect")) {
		fds[n++] = prog_redirect();
	} else if (!strncmp(what, "to:", 3)) {
		fds[n++] = prog_redirect_to(ifindex_of(what + 3), false);
	} else if (!strncmp(what, "peer:", 5)) {
		fds[n++] = prog_redirect_to(ifindex_of(what + 5), true);
	} else {
		fail("unknown program set %s", what);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (i = 0; i < n; i++)
		attach(&at, fds[i]);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	for (i = n - 1; i >= 0; i--)
		detach(&at, i, fds[i]);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of bench/nkbench.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "udp-sink") && argc == 2)
		return cmd_udp_sink(argv);
	if (!strcmp(cmd, "udp-flood") && argc == 3)
		return cmd_udp_flood(argv);
	if (!strcmp(cmd, "rr-server") && argc == 1)
		return cmd_rr_server(argv);
	if (!strcmp(cmd, "rr-client") && argc == 3)
		return cmd_rr_client(argv);
	if (!strcmp(cmd, "link") && (argc == 3 || argc == 4))
		return cmd_link(argc, argv);
	if (!strcmp(cmd, "pairs") && argc == 2)
		return cmd_pairs(argv);
	if (!strcmp(cmd, "progs") && argc == 3)
		return cmd_progs(argv);
	if (!strcmp(cmd, "hold") && argc == 3)
		return cmd_hold(argv);
	return usage();
}
