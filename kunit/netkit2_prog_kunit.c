// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: KUnit suite of the program engine.
 *
 * netkit2_progs     the program arrays (netkit2_prog.c) driven directly
 *                   with real SCHED_CLS programs: positions, errors,
 *                   revisions, references, owners, releases after a
 *                   grace period that no request waits for.
 */

#include <kunit/test.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "netkit2.h"
#include "netkit2_kunit.h"

/* References held on @prog: the test's own one, plus one per array. */
static s64 nk2t_refs(const struct bpf_prog *prog)
{
	return atomic64_read(&prog->aux->refcnt);
}

static u64 nk2t_revision(struct net_device *dev)
{
	u64 rev;

	rtnl_lock();
	rev = netkit2_prog_revision(dev);
	rtnl_unlock();
	return rev;
}

/* --- netkit2_progs: the program arrays -------------------------------- */

/*
 * A device for the array logic alone: allocated as netkit2 allocates its
 * devices, never registered. Its programs are released and the device
 * freed when the test ends.
 */
static void nk2t_pdev_free(void *dev)
{
	rtnl_lock();
	netkit2_prog_release_all(dev);
	rtnl_unlock();
	free_netdev(dev);
}

static struct net_device *nk2t_pdev(struct kunit *test)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct netkit2), "nk2e%d", NET_NAME_ENUM,
			   netkit2_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	err = kunit_add_action_or_reset(test, nk2t_pdev_free, dev);
	KUNIT_ASSERT_EQ(test, err, 0);
	return dev;
}

/*
 * Programs named by letters: A, B, C, ... are attached (in that order)
 * before the request under test, X is the program the request attaches,
 * Z one that is never attached.
 */
#define NK2T_SET	8

struct nk2t_set {
	struct bpf_prog	*prog[NK2T_SET];
	unsigned int	n;		/* attached first */
	struct bpf_prog	*x, *z;
};

static void nk2t_set_make(struct kunit *test, struct net_device *dev,
			  struct nk2t_set *set, unsigned int n)
{
	unsigned int i;

	KUNIT_ASSERT_LE(test, n, NK2T_SET);
	memset(set, 0, sizeof(*set));
	set->n = n;
	for (i = 0; i < n; i++) {
		set->prog[i] = nk2t_prog_ret(test, NETKIT2_NEXT);
		KUNIT_ASSERT_EQ(test, nk2t_attach(dev, set->prog[i], 0, 0, 0, 0,
						  NULL), 0);
	}
	set->x = nk2t_prog_ret(test, NETKIT2_NEXT);
	set->z = nk2t_prog_ret(test, NETKIT2_NEXT);
}

static struct bpf_prog *nk2t_set_prog(const struct nk2t_set *set, char c)
{
	if (c == 'X')
		return set->x;
	if (c == 'Z')
		return set->z;
	if (c >= 'A' && c < 'A' + set->n)
		return set->prog[c - 'A'];
	return NULL;
}

static u32 nk2t_set_id(const struct nk2t_set *set, char c)
{
	struct bpf_prog *prog = nk2t_set_prog(set, c);

	return prog ? prog->aux->id : 0;
}

/* The device's programs as letters ('?' for a stranger). */
static void nk2t_order(struct net_device *dev, const struct nk2t_set *set,
		       char *buf, size_t size)
{
	const struct netkit2_progs *progs;
	unsigned int i, j, n = 0;
	char c;

	rtnl_lock();
	progs = netkit2_progs_rtnl(dev);
	for (i = 0; progs && i < progs->count && n + 1 < size; i++) {
		c = '?';
		for (j = 0; j < set->n; j++)
			if (progs->prog[i] == set->prog[j])
				c = 'A' + j;
		if (progs->prog[i] == set->x)
			c = 'X';
		if (progs->prog[i] == set->z)
			c = 'Z';
		buf[n++] = c;
	}
	/* An empty array is not kept; the transmit path stops at a NULL. */
	if (progs && (!progs->count || progs->prog[progs->count]))
		buf[n++] = '!';
	rtnl_unlock();
	buf[n] = '\0';
}

#define NK2T_EXPECT_ORDER(test, dev, set, want) do {			\
	char __buf[NETKIT2_PROGS_MAX + 2];				\
	nk2t_order(dev, set, __buf, sizeof(__buf));			\
	KUNIT_EXPECT_STREQ(test, __buf, want);				\
} while (0)

/* Each program holds the test's reference and one per array it is in. */
static void nk2t_expect_refs(struct kunit *test, const struct nk2t_set *set,
			     const char *attached)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		KUNIT_EXPECT_EQ_MSG(test, nk2t_refs(set->prog[i]),
				    strchr(attached, 'A' + i) ? 2 : 1,
				    "references on %c", 'A' + i);
	KUNIT_EXPECT_EQ_MSG(test, nk2t_refs(set->x),
			    strchr(attached, 'X') ? 2 : 1, "references on X");
	KUNIT_EXPECT_EQ_MSG(test, nk2t_refs(set->z), 1, "references on Z");
}

/* A device's programs and revision before the request under test. */
struct nk2t_state {
	struct nk2t_set	set;
	char		order[NK2T_SET + 1];
	u64		rev;
};

/* Attach A, B, C, ... (@n of them) and note the state they make. */
static void nk2t_state_make(struct kunit *test, struct net_device *dev,
			    struct nk2t_state *st, unsigned int n)
{
	nk2t_set_make(test, dev, &st->set, n);
	nk2t_order(dev, &st->set, st->order, sizeof(st->order));
	st->rev = nk2t_revision(dev);
}

/*
 * After a request that returned @err: a rejected request changes
 * nothing; a successful one leaves @order, one more revision, and the
 * references that order holds (a replaced program's is gone with it).
 */
static void nk2t_expect_result(struct kunit *test, struct net_device *dev,
			       const struct nk2t_state *st, int err,
			       const char *order)
{
	if (err) {
		NK2T_EXPECT_ORDER(test, dev, &st->set, st->order);
		KUNIT_EXPECT_EQ(test, nk2t_revision(dev), st->rev);
		nk2t_expect_refs(test, &st->set, st->order);
		return;
	}
	NK2T_EXPECT_ORDER(test, dev, &st->set, order);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), st->rev + 1);
	nk2t_expect_refs(test, &st->set, order);
}

#define NK2T_F_R	NETKIT2_F_REPLACE
#define NK2T_F_B	NETKIT2_F_BEFORE
#define NK2T_F_A	NETKIT2_F_AFTER

struct nk2t_attach_case {
	const char	*name;
	unsigned int	n;		/* A, B, C, ... attached first */
	u32		flags;
	char		rel;		/* anchor: a letter or 0 */
	char		replace;	/* REPLACE target: a letter or 0 */
	char		prog;		/* attached: X, or one already there */
	int		err;
	const char	*order;		/* after a successful request */
};

static const struct nk2t_attach_case nk2t_attach_cases[] = {
	{ "empty: appended", 0, 0, 0, 0, 'X', 0, "X" },
	{ "no rule: appended", 3, 0, 0, 0, 'X', 0, "ABCX" },
	{ "before, no anchor: the front", 3, NK2T_F_B, 0, 0, 'X', 0, "XABC" },
	{ "after, no anchor: the back", 3, NK2T_F_A, 0, 0, 'X', 0, "ABCX" },
	{ "before, no anchor, empty", 0, NK2T_F_B, 0, 0, 'X', 0, "X" },
	{ "after, no anchor, empty", 0, NK2T_F_A, 0, 0, 'X', 0, "X" },
	{ "before the first", 3, NK2T_F_B, 'A', 0, 'X', 0, "XABC" },
	{ "before the middle", 3, NK2T_F_B, 'B', 0, 'X', 0, "AXBC" },
	{ "before the last", 3, NK2T_F_B, 'C', 0, 'X', 0, "ABXC" },
	{ "after the first", 3, NK2T_F_A, 'A', 0, 'X', 0, "AXBC" },
	{ "after the middle", 3, NK2T_F_A, 'B', 0, 'X', 0, "ABXC" },
	{ "after the last", 3, NK2T_F_A, 'C', 0, 'X', 0, "ABCX" },
	{ "replace the first", 3, NK2T_F_R, 0, 'A', 'X', 0, "XBC" },
	{ "replace the middle", 3, NK2T_F_R, 0, 'B', 'X', 0, "AXC" },
	{ "replace the last", 3, NK2T_F_R, 0, 'C', 'X', 0, "ABX" },
	{ "replace the only one", 1, NK2T_F_R, 0, 'A', 'X', 0, "X" },
	{ "replace, before its successor", 3, NK2T_F_R | NK2T_F_B, 'C', 'B',
	  'X', 0, "AXC" },
	{ "replace, after its predecessor", 3, NK2T_F_R | NK2T_F_A, 'A', 'B',
	  'X', 0, "AXC" },
	{ "replace, before another", 3, NK2T_F_R | NK2T_F_B, 'C', 'A', 'X',
	  -ERANGE },
	{ "replace, after another", 3, NK2T_F_R | NK2T_F_A, 'A', 'C', 'X',
	  -ERANGE },
	/* BEFORE alone names the front (-1), AFTER the back (count). */
	{ "replace the first, before, no anchor", 3, NK2T_F_R | NK2T_F_B, 0,
	  'A', 'X', -ERANGE },
	{ "replace the last, after, no anchor", 3, NK2T_F_R | NK2T_F_A, 0, 'C',
	  'X', -ERANGE },
	{ "before and after, no anchor", 3, NK2T_F_B | NK2T_F_A, 0, 0, 'X',
	  -ERANGE },
	{ "before and after, no anchor, empty", 0, NK2T_F_B | NK2T_F_A, 0, 0,
	  'X', -ERANGE },
	{ "before and after one anchor", 3, NK2T_F_B | NK2T_F_A, 'B', 0, 'X',
	  -ERANGE },
	{ "before a program not attached", 3, NK2T_F_B, 'Z', 0, 'X', -ENOENT },
	{ "after a program not attached", 3, NK2T_F_A, 'Z', 0, 'X', -ENOENT },
	{ "before a program, empty", 0, NK2T_F_B, 'Z', 0, 'X', -ENOENT },
	{ "anchor without before or after", 3, 0, 'B', 0, 'X', -EINVAL },
	{ "replace a program not attached", 3, NK2T_F_R, 0, 'Z', 'X',
	  -ENOENT },
	{ "replace, empty", 0, NK2T_F_R, 0, 'Z', 'X', -ENOENT },
	{ "replace without a target", 3, NK2T_F_R, 0, 0, 'X', -EINVAL },
	{ "already attached", 3, 0, 0, 0, 'B', -EEXIST },
	{ "already attached, before another", 3, NK2T_F_B, 'A', 0, 'C',
	  -EEXIST },
	{ "replace by itself", 3, NK2T_F_R, 0, 'B', 'B', -EEXIST },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_attach, nk2t_attach_cases, name);

static void netkit2_progs_attach(struct kunit *test)
{
	const struct nk2t_attach_case *c = test->param_value;
	struct net_device *dev = nk2t_pdev(test);
	struct nk2t_state st;
	int err;

	nk2t_state_make(test, dev, &st, c->n);
	KUNIT_EXPECT_EQ(test, st.rev, 1ULL + c->n);

	err = nk2t_attach(dev, nk2t_set_prog(&st.set, c->prog), c->flags,
			  nk2t_set_id(&st.set, c->rel),
			  nk2t_set_id(&st.set, c->replace), 0, NULL);
	KUNIT_EXPECT_EQ(test, err, c->err);
	nk2t_expect_result(test, dev, &st, err, c->order);
}

struct nk2t_detach_case {
	const char	*name;
	unsigned int	n;		/* A, B, C, ... attached first */
	char		prog;		/* detached by id: a letter or 0 */
	bool		by_prog;	/* ... by the program itself */
	u32		flags;
	char		rel;		/* anchor: a letter or 0 */
	int		err;
	const char	*order;		/* after a successful request */
};

static const struct nk2t_detach_case nk2t_detach_cases[] = {
	{ "by id, the first", 3, 'A', false, 0, 0, 0, "BC" },
	{ "by id, the middle", 3, 'B', false, 0, 0, 0, "AC" },
	{ "by id, the last", 3, 'C', false, 0, 0, 0, "AB" },
	{ "by id, the only one", 1, 'A', false, 0, 0, 0, "" },
	{ "by program, the middle", 3, 'B', true, 0, 0, 0, "AC" },
	{ "no rule: the last", 3, 0, false, 0, 0, 0, "AB" },
	{ "before, no anchor: the first", 3, 0, false, NK2T_F_B, 0, 0, "BC" },
	{ "after, no anchor: the last", 3, 0, false, NK2T_F_A, 0, 0, "AB" },
	{ "before an anchor", 3, 0, false, NK2T_F_B, 'C', 0, "AC" },
	{ "after an anchor", 3, 0, false, NK2T_F_A, 'A', 0, "AC" },
	{ "before the first: the first", 3, 0, false, NK2T_F_B, 'A', 0, "BC" },
	{ "after the last: the last", 3, 0, false, NK2T_F_A, 'C', 0, "AB" },
	{ "by id, before its successor", 3, 'B', false, NK2T_F_B, 'C', 0,
	  "AC" },
	{ "by id, after its predecessor", 3, 'B', false, NK2T_F_A, 'A', 0,
	  "AC" },
	{ "by id, before another", 3, 'A', false, NK2T_F_B, 'C', -ERANGE },
	{ "by id, after another", 3, 'C', false, NK2T_F_A, 'A', -ERANGE },
	{ "by id, the first, before, no anchor", 3, 'A', false, NK2T_F_B, 0,
	  -ERANGE },
	{ "by id, the last, after, no anchor", 3, 'C', false, NK2T_F_A, 0,
	  -ERANGE },
	{ "before and after, no anchor", 3, 0, false, NK2T_F_B | NK2T_F_A, 0,
	  -ERANGE },
	{ "by id, not attached", 3, 'Z', false, 0, 0, -ENOENT },
	{ "by program, not attached", 3, 'Z', true, 0, 0, -ENOENT },
	{ "before a program not attached", 3, 0, false, NK2T_F_B, 'Z',
	  -ENOENT },
	{ "anchor without before or after", 3, 0, false, 0, 'B', -EINVAL },
	{ "replace", 3, 'B', false, NK2T_F_R, 0, -EINVAL },
	{ "empty", 0, 0, false, 0, 0, -ENOENT },
	{ "empty, by id", 0, 'Z', false, 0, 0, -ENOENT },
};

KUNIT_ARRAY_PARAM_DESC(nk2t_detach, nk2t_detach_cases, name);

static void netkit2_progs_detach(struct kunit *test)
{
	const struct nk2t_detach_case *c = test->param_value;
	struct net_device *dev = nk2t_pdev(test);
	struct bpf_prog *prog = NULL;
	struct nk2t_state st;
	u32 prog_id = 0;
	int err;

	nk2t_state_make(test, dev, &st, c->n);
	if (c->by_prog)
		prog = nk2t_set_prog(&st.set, c->prog);
	else
		prog_id = nk2t_set_id(&st.set, c->prog);

	err = nk2t_detach(dev, prog, prog_id, c->flags,
			  nk2t_set_id(&st.set, c->rel), 0);
	KUNIT_EXPECT_EQ(test, err, c->err);
	nk2t_expect_result(test, dev, &st, err, c->order);
}

/* Revisions count changes from 1; expected_revision guards each. */
static void netkit2_progs_revision(struct kunit *test)
{
	struct net_device *dev = nk2t_pdev(test);
	struct nk2t_set set;

	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 1ULL);
	nk2t_set_make(test, dev, &set, 2);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 3ULL);

	/* A stale revision is refused before anything else is looked at. */
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.x, 0, 0, 0, 2, NULL),
			-ESTALE);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.prog[0], 0, 0, 0, 2, NULL),
			-ESTALE);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.x, 0, 0, 0, 4, NULL),
			-ESTALE);
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, NULL, set.prog[0]->aux->id,
					  0, 0, 2), -ESTALE);
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, NULL, set.z->aux->id, 0, 0, 2),
			-ESTALE);
	/* Failures do not count. */
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.prog[1], 0, 0, 0, 0, NULL),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, NULL, set.z->aux->id, 0, 0, 0),
			-ENOENT);
	NK2T_EXPECT_ORDER(test, dev, &set, "AB");
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 3ULL);

	/* The current revision, or 0 for any. */
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.x, NK2T_F_B, 0, 0, 3, NULL),
			0);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 4ULL);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.z, NK2T_F_R, 0,
					  set.prog[1]->aux->id, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 5ULL);
	NK2T_EXPECT_ORDER(test, dev, &set, "XAZ");
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, set.x, 0, 0, 0, 5), 0);
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, NULL, 0, NK2T_F_A, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), 7ULL);
	NK2T_EXPECT_ORDER(test, dev, &set, "A");

	/* Emptying the device counts; releasing an empty one does not. */
	rtnl_lock();
	netkit2_prog_release_all(dev);
	KUNIT_EXPECT_EQ(test, netkit2_prog_revision(dev), 8ULL);
	KUNIT_EXPECT_NULL(test, netkit2_progs_rtnl(dev));
	netkit2_prog_release_all(dev);
	KUNIT_EXPECT_EQ(test, netkit2_prog_revision(dev), 8ULL);
	rtnl_unlock();
	netkit2_prog_barrier();
	nk2t_expect_refs(test, &set, "");
}

/* NETKIT2_PROGS_MAX programs and no more; a full list still replaces. */
static void netkit2_progs_full(struct kunit *test)
{
	struct bpf_prog *prog[NETKIT2_PROGS_MAX], *extra, *last;
	struct net_device *dev = nk2t_pdev(test);
	const struct netkit2_progs *progs;
	unsigned int i;
	u64 rev;

	for (i = 0; i < NETKIT2_PROGS_MAX; i++) {
		prog[i] = nk2t_prog_ret(test, NETKIT2_NEXT);
		KUNIT_ASSERT_EQ(test, nk2t_attach(dev, prog[i], 0, 0, 0, 0,
						  NULL), 0);
	}
	extra = nk2t_prog_ret(test, NETKIT2_NEXT);
	rev = nk2t_revision(dev);

	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, extra, 0, 0, 0, 0, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, extra, NK2T_F_B, 0, 0, 0,
					  NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, extra, NK2T_F_A,
					  prog[10]->aux->id, 0, 0, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), rev);
	KUNIT_EXPECT_EQ(test, nk2t_refs(extra), 1);

	/* Replacing keeps the count. */
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, extra, NK2T_F_R, 0,
					  prog[5]->aux->id, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, nk2t_refs(prog[5]), 1);
	KUNIT_EXPECT_EQ(test, nk2t_refs(extra), 2);

	/* One out, one in: at the back, slot NETKIT2_PROGS_MAX - 1. */
	KUNIT_EXPECT_EQ(test, nk2t_detach(dev, NULL, prog[0]->aux->id, 0, 0,
					  0), 0);
	last = nk2t_prog_ret(test, NETKIT2_NEXT);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, last, NK2T_F_A,
					  prog[NETKIT2_PROGS_MAX - 1]->aux->id,
					  0, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, prog[0], 0, 0, 0, 0, NULL),
			-ERANGE);

	rtnl_lock();
	progs = netkit2_progs_rtnl(dev);
	KUNIT_EXPECT_EQ(test, progs->count, NETKIT2_PROGS_MAX);
	KUNIT_EXPECT_PTR_EQ(test, progs->prog[0], prog[1]);
	KUNIT_EXPECT_PTR_EQ(test, progs->prog[4], extra);
	KUNIT_EXPECT_PTR_EQ(test, progs->prog[NETKIT2_PROGS_MAX - 1], last);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), rev + 3);
}

/* A change of @dev's programs a socket's release announced: counted. */
static atomic_t nk2t_released;

static void nk2t_released_cb(struct net_device *dev)
{
	atomic_inc(&nk2t_released);
}

/* Programs attached by a socket go when it does; the others stay. */
static void netkit2_progs_owner(struct kunit *test)
{
	struct net *other = nk2t_new_net(test);
	struct nk2t_owner *own[] = {
		nk2t_owner_open(test, &init_net, 0x7e570001),
		nk2t_owner_open(test, &init_net, 0x7e570002),
		/* the same port id elsewhere */
		nk2t_owner_open(test, other, 0x7e570001),
	};
	struct net_device *dev = nk2t_pdev(test);
	struct netkit2_prog_ctl *ctl = &netkit2_priv(dev)->progctl;
	/* A: own[0], B: nobody, C: own[1], D: own[0], E: own[2] */
	const int by[] = { 0, -1, 1, 0, 2 };
	struct nk2t_set set;
	unsigned int i;
	u64 rev;

	nk2t_set_make(test, dev, &set, 0);
	for (i = 0; i < ARRAY_SIZE(by); i++) {
		set.prog[i] = nk2t_prog_ret(test, NETKIT2_NEXT);
		set.n++;
		KUNIT_ASSERT_EQ(test, nk2t_attach(dev, set.prog[i], NK2T_F_A,
						  0, 0, 0,
						  by[i] < 0 ? NULL : own[by[i]]),
				0);
	}
	rev = nk2t_revision(dev);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, ctl->owned, 4U);
	KUNIT_EXPECT_FALSE(test, list_empty(&ctl->owned_node));
	rtnl_unlock();

	nk2t_owner_close(own[0]);
	KUNIT_EXPECT_EQ(test, nk2t_revision(dev), rev + 1);
	/* Nothing left of that owner: no change, no new revision. */
	atomic_set(&nk2t_released, 0);
	rtnl_lock();
	netkit2_prog_release_sock(&init_net, 0x7e570001, nk2t_released_cb);
	KUNIT_EXPECT_EQ(test, netkit2_prog_revision(dev), rev + 1);
	KUNIT_EXPECT_EQ(test, ctl->owned, 2U);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&nk2t_released), 0);
	NK2T_EXPECT_ORDER(test, dev, &set, "BCE");
	nk2t_expect_refs(test, &set, "BCE");

	nk2t_owner_close(own[2]);
	nk2t_owner_close(own[1]);
	rtnl_lock();
	/* Only unowned programs left: off the socket-release list. */
	KUNIT_EXPECT_EQ(test, ctl->owned, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctl->owned_node));
	KUNIT_EXPECT_EQ(test, netkit2_prog_revision(dev), rev + 3);
	rtnl_unlock();
	NK2T_EXPECT_ORDER(test, dev, &set, "B");
	nk2t_expect_refs(test, &set, "B");

	/* An owned program attached again puts the device back on it. */
	own[1] = nk2t_owner_open(test, &init_net, 0x7e570002);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.prog[0], 0, 0, 0, 0,
					  own[1]), 0);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, ctl->owned, 1U);
	KUNIT_EXPECT_FALSE(test, list_empty(&ctl->owned_node));
	rtnl_unlock();
}

/*
 * The core unhashes a closing socket before it announces the release: a
 * new socket may bind the same port id and attach in between. The late
 * release of the port id must leave the new socket's programs alone.
 */
static void netkit2_progs_owner_port_reused(struct kunit *test)
{
	struct nk2t_owner *first = nk2t_owner_open(test, &init_net, 0x7e570005);
	struct net_device *dev = nk2t_pdev(test);
	struct nk2t_owner *second;
	struct nk2t_set set;

	nk2t_set_make(test, dev, &set, 0);
	set.prog[0] = nk2t_prog_ret(test, NETKIT2_NEXT);
	set.prog[1] = nk2t_prog_ret(test, NETKIT2_NEXT);
	set.n = 2;
	KUNIT_ASSERT_EQ(test, nk2t_attach(dev, set.prog[0], 0, 0, 0, 0, first),
			0);
	nk2t_owner_close(first);
	NK2T_EXPECT_ORDER(test, dev, &set, "");

	second = nk2t_owner_open(test, &init_net, 0x7e570005);
	KUNIT_ASSERT_EQ(test, nk2t_attach(dev, set.prog[1], 0, 0, 0, 0, second),
			0);
	/* What a late announcement of the first socket's release does. */
	KUNIT_EXPECT_FALSE(test, netkit2_prog_sock_owns(&init_net, 0x7e570005));
	atomic_set(&nk2t_released, 0);
	rtnl_lock();
	netkit2_prog_release_sock(&init_net, 0x7e570005, nk2t_released_cb);
	rtnl_unlock();
	netkit2_prog_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&nk2t_released), 0);
	NK2T_EXPECT_ORDER(test, dev, &set, "B");
	nk2t_expect_refs(test, &set, "B");

	nk2t_owner_close(second);
	NK2T_EXPECT_ORDER(test, dev, &set, "");
	nk2t_expect_refs(test, &set, "");
}

/* Everything goes at once, the owned programs and the others. */
static void netkit2_progs_release(struct kunit *test)
{
	struct nk2t_owner *own = nk2t_owner_open(test, &init_net, 0x7e570003);
	struct net_device *dev = nk2t_pdev(test);
	struct netkit2_prog_ctl *ctl = &netkit2_priv(dev)->progctl;
	struct nk2t_set set;
	u64 rev;

	nk2t_set_make(test, dev, &set, 3);
	KUNIT_EXPECT_EQ(test, nk2t_attach(dev, set.x, NK2T_F_B, 0, 0, 0, own),
			0);
	rev = nk2t_revision(dev);
	nk2t_expect_refs(test, &set, "ABCX");

	rtnl_lock();
	KUNIT_EXPECT_FALSE(test, list_empty(&ctl->owned_node));
	netkit2_prog_release_all(dev);
	KUNIT_EXPECT_NULL(test, netkit2_progs_rtnl(dev));
	KUNIT_EXPECT_EQ(test, netkit2_prog_revision(dev), rev + 1);
	KUNIT_EXPECT_EQ(test, ctl->owned, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctl->owned_node));
	rtnl_unlock();
	netkit2_prog_barrier();
	nk2t_expect_refs(test, &set, "");
}

/*
 * Deleting a pair puts the programs of both sides and leaves nothing on
 * the socket-release list.
 */
static void netkit2_progs_dellink(struct kunit *test)
{
	struct nk2t_owner *own = nk2t_owner_open(test, &init_net, 0x7e570004);
	struct netkit2_prog_ctl *ctl, *pctl, *it;
	struct net_device *dev, *peer;
	struct bpf_prog *a, *b, *c;
	bool listed = false;

	a = nk2t_prog_ret(test, NETKIT2_NEXT);
	b = nk2t_prog_ret(test, NETKIT2_NEXT);
	c = nk2t_prog_ret(test, NETKIT2_NEXT);
	nk2t_create_pair(test, "nk2d0", "nk2d0p", NETKIT2_L2);
	rtnl_lock();
	dev = nk2t_get(test, &init_net, "nk2d0");
	peer = nk2t_get(test, &init_net, "nk2d0p");
	rtnl_unlock();
	ctl = &netkit2_priv(dev)->progctl;
	pctl = &netkit2_priv(peer)->progctl;
	KUNIT_ASSERT_EQ(test, nk2t_attach(dev, a, 0, 0, 0, 0, own), 0);
	KUNIT_ASSERT_EQ(test, nk2t_attach(dev, b, 0, 0, 0, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, nk2t_attach(peer, c, 0, 0, 0, 0, own), 0);
	KUNIT_EXPECT_EQ(test, nk2t_refs(a) + nk2t_refs(b) + nk2t_refs(c), 6);

	KUNIT_ASSERT_EQ(test, nk2t_dellink(test, "nk2d0"), 0);
	netkit2_prog_barrier();
	KUNIT_EXPECT_EQ(test, nk2t_refs(a), 1);
	KUNIT_EXPECT_EQ(test, nk2t_refs(b), 1);
	KUNIT_EXPECT_EQ(test, nk2t_refs(c), 1);
	/* Only compared: both devices may be freed by now. */
	rtnl_lock();
	list_for_each_entry(it, &netkit2_owned_devs, owned_node)
		listed |= it == ctl || it == pctl;
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, listed);
	/* The socket owns nothing any more: its release changes nothing. */
	atomic_set(&nk2t_released, 0);
	nk2t_owner_close(own);
	KUNIT_EXPECT_EQ(test, atomic_read(&nk2t_released), 0);
}

/*
 * Put @b in @a's place (@replace) or detach @a, as a request does, without
 * the barrier of nk2t_attach() and nk2t_detach().
 */
static int nk2t_req_nowait(struct net_device *dev, bool replace,
			   struct bpf_prog *a, struct bpf_prog *b)
{
	struct netkit2_prog_req req = {};
	int err;

	rtnl_lock();
	if (replace) {
		req.prog = b;
		req.flags = NETKIT2_F_REPLACE;
		req.replace_id = a->aux->id;
		bpf_prog_inc(b);
		err = netkit2_prog_attach(dev, &req);
		if (err)
			bpf_prog_put(b);
	} else {
		req.prog = a;
		err = netkit2_prog_detach(dev, &req);
	}
	rtnl_unlock();
	return err;
}

/*
 * Whether @old, just taken out of the programs, is still held by the array
 * it was in, given that no grace period has passed since @cookie. Its
 * reference goes only after a grace period that began after the request:
 * had one ended, the one of @cookie would have ended too.
 */
static bool nk2t_held_in_grace(struct kunit *test, struct bpf_prog *old,
			       unsigned long cookie)
{
	bool held = nk2t_refs(old) == 2;

	if (poll_state_synchronize_rcu(cookie))
		return false;
	KUNIT_EXPECT_TRUE_MSG(test, held,
			      "the program taken out went before a grace period");
	return true;
}

/*
 * Replace and detach return without waiting for a grace period, and the
 * program they take out stays referenced until one has passed (a transmit
 * that read the old array may still run it), then is put. A grace period
 * may end on its own while a request runs, so each request is made a few
 * times; one that waited would never return inside the grace period it
 * began in.
 */
static void netkit2_progs_no_grace_wait(struct kunit *test)
{
	struct net_device *dev = nk2t_pdev(test);
	unsigned int i, replaced = 0, detached = 0;
	struct bpf_prog *a, *b;
	unsigned long cookie;

	for (i = 0; i < 8 && (!replaced || !detached); i++) {
		a = nk2t_prog_ret(test, NETKIT2_NEXT);
		b = nk2t_prog_ret(test, NETKIT2_NEXT);
		KUNIT_ASSERT_EQ(test, nk2t_attach(dev, a, 0, 0, 0, 0, NULL), 0);
		netkit2_prog_barrier();

		cookie = get_state_synchronize_rcu();
		KUNIT_ASSERT_EQ(test, nk2t_req_nowait(dev, true, a, b), 0);
		replaced += nk2t_held_in_grace(test, a, cookie);
		netkit2_prog_barrier();
		KUNIT_EXPECT_EQ(test, nk2t_refs(a), 1);

		cookie = get_state_synchronize_rcu();
		KUNIT_ASSERT_EQ(test, nk2t_req_nowait(dev, false, b, NULL), 0);
		detached += nk2t_held_in_grace(test, b, cookie);
		netkit2_prog_barrier();
		KUNIT_EXPECT_EQ(test, nk2t_refs(b), 1);
	}
	KUNIT_EXPECT_GT_MSG(test, replaced, 0U,
			    "every replace waited for a grace period");
	KUNIT_EXPECT_GT_MSG(test, detached, 0U,
			    "every detach waited for a grace period");
}

static struct kunit_case netkit2_progs_cases[] = {
	KUNIT_CASE_PARAM(netkit2_progs_attach, nk2t_attach_gen_params),
	KUNIT_CASE_PARAM(netkit2_progs_detach, nk2t_detach_gen_params),
	KUNIT_CASE(netkit2_progs_revision),
	KUNIT_CASE(netkit2_progs_full),
	KUNIT_CASE(netkit2_progs_owner),
	KUNIT_CASE(netkit2_progs_owner_port_reused),
	KUNIT_CASE(netkit2_progs_release),
	KUNIT_CASE(netkit2_progs_dellink),
	KUNIT_CASE(netkit2_progs_no_grace_wait),
	{}
};

NK2T_SUITE(netkit2_progs);

kunit_test_suites(&netkit2_progs_suite);
