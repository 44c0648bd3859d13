// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libnetkit2: the "netkit2" generic netlink family from C, over a plain
 * netlink socket (no other library needed).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "netkit2.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

#define NK2_BUF_SIZE		16384
#define NK2_REQ_SIZE		512

/* A generic netlink socket with the family resolved. */
struct nk2_sock {
	int		fd;
	__u32		portid;
	__u32		seq;
	__u16		family;
	__u32		mcgrp;
};

struct netkit2_monitor {
	struct nk2_sock	sk;
	union {
		struct nlmsghdr	align;
		char		buf[NK2_BUF_SIZE];
	};
	int		len;
	int		off;
};

static __thread char nk2_errmsg_buf[256];
static pthread_mutex_t nk2_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nk2_sock nk2_default = { .fd = -1 };

static int nk2_err(int err)
{
	errno = -err;
	return err;
}

/* The smaller of an options structure's size and the library's. */
#define NK2_OPT(opts, field, def)					\
	((opts) && (opts)->sz >= offsetof(typeof(*(opts)), field) +	\
	 sizeof((opts)->field) ? (opts)->field : (def))

static int nk2_opts_ok(const void *opts, size_t sz, size_t ours)
{
	const char *p = opts;
	size_t i;

	if (!opts)
		return 0;
	if (sz < sizeof(size_t))
		return -EINVAL;
	/* A newer caller may only set fields this library does not know to 0. */
	for (i = ours; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

/* --- messages ------------------------------------------------------- */

struct nk2_msg {
	union {		/* buf holds netlink messages: keep it aligned */
		struct nlmsghdr	align;
		char		buf[NK2_REQ_SIZE];
	};
	struct nlmsghdr	*nlh;
	bool		overflow;	/* an attribute did not fit */
};

static void nk2_msg_init(struct nk2_msg *m, __u16 type, __u8 cmd, __u8 version)
{
	struct genlmsghdr *g;

	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = (struct nlmsghdr *)m->buf;
	m->overflow = false;
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = version;
}

/*
 * Append an attribute. One that does not fit in the buffer, or in an
 * attribute's 16-bit length, is not written: the message is marked and
 * nk2_talk() refuses it with -EMSGSIZE.
 */
static void nk2_put(struct nk2_msg *m, __u16 type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->nlh->nlmsg_len);
	struct nlattr *a;

	if (m->overflow || len > UINT16_MAX - NLA_HDRLEN ||
	    off + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(m->buf)) {
		m->overflow = true;
		return;
	}
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nlh->nlmsg_len = off + NLA_ALIGN(a->nla_len);
}

static void nk2_put_u32(struct nk2_msg *m, __u16 type, __u32 v)
{
	nk2_put(m, type, &v, sizeof(v));
}

static void nk2_put_u64(struct nk2_msg *m, __u16 type, __u64 v)
{
	nk2_put(m, type, &v, sizeof(v));
}

#define nk2_for_each_attr(a, start, len)				\
	for ((a) = (struct nlattr *)(start);				\
	     (len) >= (int)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (len);					\
	     (len) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (struct nlattr *)((char *)(a) + NLA_ALIGN((a)->nla_len)))

static void *nk2_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static int nk2_payload(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* --- socket --------------------------------------------------------- */

static void nk2_set_errmsg(struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);
	struct nlattr *a;
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	len = (int)nlh->nlmsg_len - (int)NLMSG_HDRLEN - (int)off;
	nk2_for_each_attr(a, (char *)e + off, len) {
		if (a->nla_type == NLMSGERR_ATTR_MSG && nk2_payload(a) > 0) {
			snprintf(nk2_errmsg_buf, sizeof(nk2_errmsg_buf), "%.*s",
				 nk2_payload(a), (char *)nk2_data(a));
			return;
		}
	}
}

typedef int (*nk2_cb)(struct nlmsghdr *nlh, void *data);

/* Send a request and read up to its ack; data messages go to @cb. */
static int nk2_talk(struct nk2_sock *sk, struct nk2_msg *m, nk2_cb cb,
		    void *data)
{
	union {
		struct nlmsghdr	align;
		char		buf[NK2_BUF_SIZE];
	} u;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int cb_err = 0;
	ssize_t len;

	if (m->overflow)
		return -EMSGSIZE;
	m->nlh->nlmsg_seq = ++sk->seq;
	if (sendto(sk->fd, m->buf, m->nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *nlh;
		int rest;

		len = recv(sk->fd, u.buf, sizeof(u.buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rest = (int)len;
		for (nlh = &u.align; NLMSG_OK(nlh, rest);
		     nlh = NLMSG_NEXT(nlh, rest)) {
			if (nlh->nlmsg_seq != sk->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				if (e->error)
					nk2_set_errmsg(nlh);
				return e->error ? e->error : cb_err;
			}
			if (nlh->nlmsg_type == NLMSG_DONE)
				return cb_err;
			if (cb && !cb_err)
				cb_err = cb(nlh, data);
		}
	}
}

static void nk2_family_groups(struct nk2_sock *sk, struct nlattr *groups)
{
	int glen = nk2_payload(groups);
	struct nlattr *g, *a;

	nk2_for_each_attr(g, nk2_data(groups), glen) {
		int alen = nk2_payload(g);
		const char *name = NULL;
		__u32 id = 0;

		nk2_for_each_attr(a, nk2_data(g), alen) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = nk2_data(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(__u32 *)nk2_data(a);
		}
		if (name && !strcmp(name, NETKIT2_GENL_MCGRP_CHANGES))
			sk->mcgrp = id;
	}
}

static int nk2_family_cb(struct nlmsghdr *nlh, void *data)
{
	int len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nk2_sock *sk = data;
	struct nlattr *a;

	nk2_for_each_attr(a, (char *)NLMSG_DATA(nlh) + GENL_HDRLEN, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			sk->family = *(__u16 *)nk2_data(a);
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			nk2_family_groups(sk, a);
	}
	return 0;
}

static int nk2_open(struct nk2_sock *sk)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	struct nk2_msg m;
	int one = 1, err;

	memset(sk, 0, sizeof(*sk));
	sk->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk->fd < 0)
		return -errno;
	if (bind(sk->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(sk->fd, (struct sockaddr *)&sa, &salen) < 0) {
		err = -errno;
		goto err_close;
	}
	sk->portid = sa.nl_pid;
	/* Both are best effort: without them errors just say less. */
	setsockopt(sk->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sk->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	nk2_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	nk2_put(&m, CTRL_ATTR_FAMILY_NAME, NETKIT2_GENL_NAME,
		sizeof(NETKIT2_GENL_NAME));
	err = nk2_talk(sk, &m, nk2_family_cb, sk);
	if (!err && !sk->family)
		err = -ENOENT;
	if (err) {
		if (err == -ENOENT)
			snprintf(nk2_errmsg_buf, sizeof(nk2_errmsg_buf),
				 "no generic netlink family %s (module not loaded?)",
				 NETKIT2_GENL_NAME);
		goto err_close;
	}
	return 0;

err_close:
	close(sk->fd);
	sk->fd = -1;
	return err;
}

/* Run a request on the library's socket, opening it if need be. */
static int nk2_request(struct nk2_msg *m, nk2_cb cb, void *data)
{
	int err = 0;

	pthread_mutex_lock(&nk2_lock);
	if (nk2_default.fd < 0)
		err = nk2_open(&nk2_default);
	if (!err) {
		m->nlh->nlmsg_type = nk2_default.family;
		err = nk2_talk(&nk2_default, m, cb, data);
	}
	pthread_mutex_unlock(&nk2_lock);
	return err;
}

static void nk2_target(struct nk2_msg *m, __u8 cmd, int ifindex,
		       enum netkit2_target side)
{
	nk2_msg_init(m, 0, cmd, NETKIT2_GENL_VERSION);
	nk2_put_u32(m, NETKIT2_A_IFINDEX, (__u32)ifindex);
	nk2_put_u32(m, NETKIT2_A_TARGET, side);
}

/* --- requests ------------------------------------------------------- */

/* What attach and detach both take: position, anchor and revision. */
static void nk2_put_position(struct nk2_msg *m, __u32 flags, int rel_fd,
			     __u32 rel_id, __u64 revision)
{
	if (flags)
		nk2_put_u32(m, NETKIT2_A_FLAGS, flags);
	if (rel_fd > 0)
		nk2_put_u32(m, NETKIT2_A_RELATIVE_FD, (__u32)rel_fd);
	if (rel_id)
		nk2_put_u32(m, NETKIT2_A_RELATIVE_ID, rel_id);
	if (revision)
		nk2_put_u64(m, NETKIT2_A_EXPECTED_REVISION, revision);
}

int netkit2_prog_attach(int ifindex, enum netkit2_target side, int prog_fd,
			const struct netkit2_attach_opts *opts)
{
	__u32 flags, rel_id, replace_id;
	int rel_fd, replace_fd, err;
	__u64 revision;
	struct nk2_msg m;

	nk2_errmsg_buf[0] = '\0';
	err = nk2_opts_ok(opts, opts ? opts->sz : 0, sizeof(*opts));
	if (err)
		return nk2_err(err);
	if (prog_fd < 0)
		return nk2_err(-EBADF);
	flags = NK2_OPT(opts, flags, 0);
	rel_fd = NK2_OPT(opts, relative_fd, 0);
	rel_id = NK2_OPT(opts, relative_id, 0);
	replace_fd = NK2_OPT(opts, replace_fd, 0);
	replace_id = NK2_OPT(opts, replace_id, 0);
	revision = NK2_OPT(opts, expected_revision, 0);

	nk2_target(&m, NETKIT2_CMD_ATTACH, ifindex, side);
	nk2_put_u32(&m, NETKIT2_A_PROG_FD, (__u32)prog_fd);
	nk2_put_position(&m, flags, rel_fd, rel_id, revision);
	if (replace_fd > 0)
		nk2_put_u32(&m, NETKIT2_A_REPLACE_FD, (__u32)replace_fd);
	if (replace_id)
		nk2_put_u32(&m, NETKIT2_A_REPLACE_ID, replace_id);
	if (NK2_OPT(opts, owned, false))
		nk2_put(&m, NETKIT2_A_OWNED, NULL, 0);
	return nk2_err(nk2_request(&m, NULL, NULL));
}

int netkit2_prog_detach(int ifindex, enum netkit2_target side, int prog_fd,
			const struct netkit2_detach_opts *opts)
{
	__u32 flags, prog_id, rel_id;
	struct nk2_msg m;
	__u64 revision;
	int rel_fd, err;

	nk2_errmsg_buf[0] = '\0';
	err = nk2_opts_ok(opts, opts ? opts->sz : 0, sizeof(*opts));
	if (err)
		return nk2_err(err);
	flags = NK2_OPT(opts, flags, 0);
	prog_id = NK2_OPT(opts, prog_id, 0);
	rel_fd = NK2_OPT(opts, relative_fd, 0);
	rel_id = NK2_OPT(opts, relative_id, 0);
	revision = NK2_OPT(opts, expected_revision, 0);

	nk2_target(&m, NETKIT2_CMD_DETACH, ifindex, side);
	if (prog_fd > 0)
		nk2_put_u32(&m, NETKIT2_A_PROG_FD, (__u32)prog_fd);
	if (prog_id)
		nk2_put_u32(&m, NETKIT2_A_PROG_ID, prog_id);
	nk2_put_position(&m, flags, rel_fd, rel_id, revision);
	return nk2_err(nk2_request(&m, NULL, NULL));
}

/* Decode a reply or notification of the family into @ev. */
static int nk2_parse(struct nlmsghdr *nlh, struct netkit2_event *ev)
{
	int len = (int)nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	unsigned int n_ids = 0, n_owners = 0;
	struct nlattr *a;

	if (len < 0)
		return -EPROTO;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = g->cmd;
	nk2_for_each_attr(a, (char *)g + GENL_HDRLEN, len) {
		switch (a->nla_type) {
		case NETKIT2_A_IFINDEX:
			ev->ifindex = *(__u32 *)nk2_data(a);
			break;
		case NETKIT2_A_TARGET:
			ev->target = *(__u32 *)nk2_data(a);
			break;
		case NETKIT2_A_REVISION:
			memcpy(&ev->revision, nk2_data(a), sizeof(ev->revision));
			break;
		case NETKIT2_A_PROG_IDS:
			n_ids = nk2_payload(a) / sizeof(__u32);
			if (n_ids > NETKIT2_PROGS_MAX)
				return -EPROTO;
			memcpy(ev->prog_ids, nk2_data(a), n_ids * sizeof(__u32));
			break;
		case NETKIT2_A_PROG_OWNERS:
			n_owners = nk2_payload(a) / sizeof(__u32);
			if (n_owners > NETKIT2_PROGS_MAX)
				return -EPROTO;
			memcpy(ev->owners, nk2_data(a), n_owners * sizeof(__u32));
			break;
		}
	}
	if (n_owners && n_owners != n_ids)
		return -EPROTO;
	ev->count = n_ids;
	return 0;
}

static int nk2_query_cb(struct nlmsghdr *nlh, void *data)
{
	return nk2_parse(nlh, data);
}

int netkit2_prog_query(int ifindex, enum netkit2_target side,
		       struct netkit2_query_opts *opts)
{
	struct netkit2_event ev;
	struct nk2_msg m;
	__u32 room, n;
	int err;

	nk2_errmsg_buf[0] = '\0';
	if (!opts)
		return nk2_err(-EINVAL);
	err = nk2_opts_ok(opts, opts->sz, sizeof(*opts));
	if (err)
		return nk2_err(err);
	if (opts->sz < offsetof(struct netkit2_query_opts, revision) +
		       sizeof(opts->revision))
		return nk2_err(-EINVAL);
	nk2_target(&m, NETKIT2_CMD_QUERY, ifindex, side);
	memset(&ev, 0, sizeof(ev));
	err = nk2_request(&m, nk2_query_cb, &ev);
	if (err)
		return nk2_err(err);
	room = opts->count;
	n = ev.count < room ? ev.count : room;
	if (opts->prog_ids)
		memcpy(opts->prog_ids, ev.prog_ids, n * sizeof(__u32));
	if (opts->owners)
		memcpy(opts->owners, ev.owners, n * sizeof(__u32));
	opts->count = ev.count;
	opts->revision = ev.revision;
	if ((opts->prog_ids || opts->owners) && ev.count > room)
		return nk2_err(-ENOSPC);
	return 0;
}

const char *netkit2_errmsg(void)
{
	return nk2_errmsg_buf;
}

int netkit2_portid(void)
{
	int err = 0;

	pthread_mutex_lock(&nk2_lock);
	if (nk2_default.fd < 0)
		err = nk2_open(&nk2_default);
	if (!err)
		err = (int)nk2_default.portid;
	pthread_mutex_unlock(&nk2_lock);
	return err < 0 ? nk2_err(err) : err;
}

void netkit2_release(void)
{
	pthread_mutex_lock(&nk2_lock);
	if (nk2_default.fd >= 0)
		close(nk2_default.fd);
	nk2_default.fd = -1;
	pthread_mutex_unlock(&nk2_lock);
}

/* --- monitor -------------------------------------------------------- */

struct netkit2_monitor *netkit2_monitor_open(void)
{
	struct netkit2_monitor *mon;
	int err;

	nk2_errmsg_buf[0] = '\0';
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return NULL;
	err = nk2_open(&mon->sk);
	if (!err && !mon->sk.mcgrp)
		err = -ENOENT;
	if (!err &&
	    setsockopt(mon->sk.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &mon->sk.mcgrp, sizeof(mon->sk.mcgrp)) < 0)
		err = -errno;
	if (err) {
		if (mon->sk.fd >= 0)
			close(mon->sk.fd);
		free(mon);
		errno = -err;
		return NULL;
	}
	return mon;
}

int netkit2_monitor_fd(const struct netkit2_monitor *mon)
{
	return mon->sk.fd;
}

int netkit2_monitor_next(struct netkit2_monitor *mon,
			 struct netkit2_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = mon->sk.fd, .events = POLLIN };
	ssize_t len;
	int err;

	for (;;) {
		while (mon->off < mon->len) {
			struct nlmsghdr *nlh;
			int rest = mon->len - mon->off;

			nlh = (struct nlmsghdr *)(mon->buf + mon->off);
			if (!NLMSG_OK(nlh, rest)) {
				mon->off = mon->len;
				break;
			}
			mon->off += NLMSG_ALIGN(nlh->nlmsg_len);
			if (nlh->nlmsg_type != mon->sk.family)
				continue;
			err = nk2_parse(nlh, ev);
			return err ? nk2_err(err) : 1;
		}
		err = poll(&pfd, 1, timeout_ms);
		if (err < 0)
			return nk2_err(-errno);
		if (!err)
			return 0;
		len = recv(mon->sk.fd, mon->buf, sizeof(mon->buf), 0);
		if (len < 0)
			return nk2_err(-errno);
		mon->len = (int)len;
		mon->off = 0;
	}
}

void netkit2_monitor_close(struct netkit2_monitor *mon)
{
	if (!mon)
		return;
	close(mon->sk.fd);
	free(mon);
}
