/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libnetkit2: attach, detach and list the BPF programs of a netkit2 pair
 * from an agent that loads its own objects (with libbpf or otherwise).
 *
 * Every function that can fail returns a negative errno (and sets errno
 * to its positive value), as libbpf does. When the kernel explained a
 * refusal, netkit2_errmsg() returns its message until the next call of
 * the same thread.
 *
 * Requests go over one generic netlink socket the library opens on first
 * use and keeps until netkit2_release() or the end of the process. An
 * attachment made with opts.owned belongs to that socket: the kernel
 * detaches it when the socket closes, so programs of a crashed agent do
 * not stay behind.
 */
#ifndef _LIBNETKIT2_H
#define _LIBNETKIT2_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/netkit2.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Options of netkit2_prog_attach(). Set .sz to the size of the structure
 * (NETKIT2_OPTS() does); a NULL pointer means all zero.
 *  flags             NETKIT2_F_BEFORE, NETKIT2_F_AFTER, NETKIT2_F_REPLACE
 *  relative_fd/_id   the program BEFORE/AFTER refer to (0: the front or
 *                    the back of the list); a file descriptor or an id
 *  replace_fd/_id    the program NETKIT2_F_REPLACE substitutes
 *  expected_revision fail with -ESTALE if the list changed since (0: any)
 *  owned             detach when the library's socket closes
 */
struct netkit2_attach_opts {
	size_t	sz;
	__u32	flags;
	int	relative_fd;
	__u32	relative_id;
	int	replace_fd;
	__u32	replace_id;
	__u64	expected_revision;
	bool	owned;
};

/*
 * Options of netkit2_prog_detach(): which program goes, by id (or by the
 * prog_fd argument), or by position (flags and a relative program; with
 * neither, the last one).
 */
struct netkit2_detach_opts {
	size_t	sz;
	__u32	flags;
	__u32	prog_id;
	int	relative_fd;
	__u32	relative_id;
	__u64	expected_revision;
};

/*
 * Options of netkit2_prog_query(). prog_ids and owners (either may be
 * NULL) have room for count entries; on return count is the number of
 * programs attached and revision the list's revision (1 when empty). If
 * the arrays are too small they are filled as far as they go and the call
 * returns -ENOSPC. An owner is the netlink port id of the socket that owns
 * the attachment, 0 for none.
 */
struct netkit2_query_opts {
	size_t	sz;
	__u32	*prog_ids;
	__u32	*owners;
	__u32	count;
	__u64	revision;
};

#define NETKIT2_OPTS(type, ...) \
	((struct type){ .sz = sizeof(struct type), __VA_ARGS__ })

/*
 * ifindex is the primary device of the pair (in the caller's network
 * namespace), side NETKIT2_TARGET_PRIMARY or NETKIT2_TARGET_PEER.
 */
int netkit2_prog_attach(int ifindex, enum netkit2_target side, int prog_fd,
			const struct netkit2_attach_opts *opts);
/* prog_fd <= 0: no program by fd (opts->prog_id or a position instead). */
int netkit2_prog_detach(int ifindex, enum netkit2_target side, int prog_fd,
			const struct netkit2_detach_opts *opts);
int netkit2_prog_query(int ifindex, enum netkit2_target side,
		       struct netkit2_query_opts *opts);

/* The kernel's message about the last failure of this thread, or "". */
const char *netkit2_errmsg(void);

/* Netlink port id of the library's socket (owner of owned attachments). */
int netkit2_portid(void);

/* Close the library's socket: its owned attachments are detached. */
void netkit2_release(void);

/* A change notification of the "changes" group. */
struct netkit2_event {
	__u8	cmd;		/* NETKIT2_CMD_ATTACH, _DETACH or _RELEASE */
	__u32	ifindex;	/* the primary, in the listener's namespace */
	__u32	target;		/* enum netkit2_target */
	__u64	revision;
	__u32	count;		/* entries of prog_ids and owners */
	__u32	prog_ids[NETKIT2_PROGS_MAX];
	__u32	owners[NETKIT2_PROGS_MAX];
};

struct netkit2_monitor;

/* NULL (and errno) on failure. */
struct netkit2_monitor *netkit2_monitor_open(void);
/* The socket, to poll for readability. */
int netkit2_monitor_fd(const struct netkit2_monitor *mon);
/*
 * Wait up to timeout_ms (negative: without limit) for the next
 * notification: 1 with *ev filled, 0 on timeout, or a negative errno.
 */
int netkit2_monitor_next(struct netkit2_monitor *mon,
			 struct netkit2_event *ev, int timeout_ms);
void netkit2_monitor_close(struct netkit2_monitor *mon);

#ifdef __cplusplus
}
#endif

#endif /* _LIBNETKIT2_H */
