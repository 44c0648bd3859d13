/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netkit2: what the KUnit suites share (netkit2_helpers_kunit.c), and
 * kernel internals they use that no header declares.
 */
#ifndef _NETKIT2_KUNIT_H
#define _NETKIT2_KUNIT_H

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/completion.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/types.h>

#include "netkit2.h"

#ifdef CONFIG_BPF_SYSCALL
/*
 * bpf() for code inside the kernel (kernel/bpf/syscall.c), as the light
 * skeletons use it (tools/lib/bpf/skel_internal.h declares it likewise).
 */
int kern_sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);
#endif

/*
 * copy_net_ns() is not exported to modules: only a built-in netkit2 can
 * make namespaces for its tests.
 */
#if IS_BUILTIN(CONFIG_NETKIT2) && IS_ENABLED(CONFIG_NET_NS)
#define NK2T_NETNS 1
#endif

/*
 * Real SCHED_CLS programs, with ids, loaded through the verifier as the
 * kernel's light skeletons do (kern_sys_bpf(), BPF_PROG_LOAD). It is not
 * exported to modules without a namespace import that kernels spell
 * differently: the program suites run with a built-in netkit2, as in
 * .kunitconfig, and are skipped otherwise.
 */
#if IS_BUILTIN(CONFIG_NETKIT2) && IS_ENABLED(CONFIG_BPF_SYSCALL)
#define NK2T_BPF 1
#endif

/* A local experimental EtherType: no protocol handler takes it. */
#define NK2T_ETH_P	ETH_P_802_EX1

/* The frames nk2t_xmit() sends: payload size and metadata. */
#define NK2T_PAYLOAD	46
#define NK2T_MARK	0x2a2a
#define NK2T_PRIO	6
#define NK2T_TSTAMP	1000000007

/* --- netlink requests ------------------------------------------------- */

/* test->priv of every suite set up by nk2t_init(). */
struct nk2t_ctx {
	struct socket	*sock;
	struct file	*file;
	u32		seq;
	char		msg[256];	/* extack message of the last request */
	int		off;		/* extack offset, or -1 */
};

struct nk2t_req {
	struct sk_buff	*skb;
	struct nlmsghdr	*nlh;
	struct nlattr	*linkinfo;
	struct nlattr	*data;
};

int nk2t_init(struct kunit *test);
void nk2t_exit(struct kunit *test);

/*
 * A suite whose cases each get a kernel NETLINK_ROUTE socket:
 * NK2T_SUITE(netkit2_foo) defines netkit2_foo_suite, named "netkit2_foo",
 * from the array netkit2_foo_cases.
 */
#define NK2T_SUITE(suite)						\
	static struct kunit_suite suite##_suite = {			\
		.name = #suite,						\
		.init = nk2t_init,					\
		.exit = nk2t_exit,					\
		.test_cases = suite##_cases,				\
	}

struct sk_buff *nk2t_alloc_skb(struct kunit *test, unsigned int size);
struct nk2t_req *nk2t_req_new(struct kunit *test, int type, int flags,
			      const char *ifname, int ifindex);
void nk2t_req_data(struct kunit *test, struct nk2t_req *req);
void nk2t_put_u32(struct kunit *test, struct nk2t_req *req, int type,
		  u32 val);
void nk2t_put_peer(struct kunit *test, struct nk2t_req *req,
		   const char *ifname, const u8 *addr);
int nk2t_req_send(struct kunit *test, struct nk2t_req *req);
struct nk2t_req *nk2t_newlink(struct kunit *test, const char *ifname);
struct nk2t_req *nk2t_changelink(struct kunit *test, const char *ifname);
int nk2t_dellink(struct kunit *test, const char *ifname);
void nk2t_set_policy(struct kunit *test, const char *ifname, int policy);

/* --- devices and namespaces -------------------------------------------- */

bool nk2t_exists(struct net *net, const char *ifname);
void nk2t_cleanup(struct kunit *test, const char *ifname);
void nk2t_create(struct kunit *test, const char *ifname, const char *peer,
		 int mode, int scrub, int peer_scrub);
void nk2t_create_pair(struct kunit *test, const char *ifname,
		      const char *peer, int mode);
struct net *nk2t_new_net(struct kunit *test);
struct net_device *nk2t_get(struct kunit *test, struct net *net,
			    const char *ifname);
void nk2t_open(struct kunit *test, struct net *net, const char *ifname);
void nk2t_stats(struct kunit *test, struct net *net, const char *ifname,
		struct rtnl_link_stats64 *st);
void nk2t_mac_of(struct kunit *test, struct net *net, const char *ifname,
		 u8 *mac);

/* --- frames ------------------------------------------------------------ */

/* A packet_type tap on the receiving side: what arrived, and how. */
struct nk2t_tap {
	struct packet_type	pt;
	struct completion	done;
	int			count;
	struct net_device	*dev;
	u32			mark, priority;
	u8			pkt_type;
	ktime_t			tstamp;
	bool			mac_at_eth;
	u16			mac_len;
	unsigned int		len;
	__be16			protocol;
	u8			dest[ETH_ALEN];
};

struct nk2t_tap *nk2t_tap_add(struct kunit *test, struct net *net,
			      const char *ifname);
bool nk2t_tap_wait(struct nk2t_tap *tap, unsigned int ms);
struct nk2t_tap *nk2t_pair_tap(struct kunit *test, const char *dev,
			       const char *peer, u8 *peer_mac);
netdev_tx_t nk2t_xmit_proto(struct kunit *test, struct net *net,
			    const char *ifname, const u8 *dest, u16 proto);
netdev_tx_t nk2t_xmit(struct kunit *test, struct net *net,
		      const char *ifname, const u8 *dest);

/* --- programs ---------------------------------------------------------- */

struct bpf_prog *nk2t_prog_load(struct kunit *test,
				const struct bpf_insn *insns, u32 cnt);
struct bpf_prog *nk2t_prog_ret(struct kunit *test, int verdict);
/*
 * A generic netlink socket of a namespace bound to a port id, standing in
 * for an agent's socket: attachments it owns go when it is released.
 */
struct nk2t_owner {
	struct socket	*sock;
	u32		portid;
};

struct nk2t_owner *nk2t_owner_open(struct kunit *test, struct net *net,
				   u32 portid);
void nk2t_owner_close(struct nk2t_owner *owner);
int nk2t_attach(struct net_device *dev, struct bpf_prog *prog, u32 flags,
		u32 rel_id, u32 replace_id, u64 revision,
		const struct nk2t_owner *owner);
int nk2t_detach(struct net_device *dev, struct bpf_prog *prog, u32 prog_id,
		u32 flags, u32 rel_id, u64 revision);

#endif /* _NETKIT2_KUNIT_H */
