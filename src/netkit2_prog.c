// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: the ordered programs of a device.
 *
 * Each device of a pair owns the programs its transmit path runs. The
 * control path (RTNL held) never edits the published array: it builds the
 * next one, publishes it with rcu_assign_pointer() and releases the old one
 * after a grace period, putting the programs it no longer holds only once
 * no transmit can still run them.
 *
 * Where a request puts a program follows the kernel's multi-program attach
 * rules, so that tools written for those behave the same here:
 *  - every rule of a request (REPLACE target, BEFORE anchor, AFTER anchor)
 *    yields a slot on its own, and all of them must agree (else ERANGE);
 *  - BEFORE without an anchor means the front, AFTER without one the back,
 *    no rule at all the back;
 *  - an anchor or target that is not attached is ENOENT, a program that
 *    is already attached EEXIST, a full list ERANGE, a revision that moved
 *    on ESTALE, an anchor without BEFORE/AFTER EINVAL.
 * Slots are counted as in that scheme: "before index i" is i - 1 and
 * "after index i" is i + 1, so the front is -1 and the back is the count.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "netkit2.h"

LIST_HEAD(netkit2_owned_devs);

/* No rule of the request has chosen a slot yet. */
#define NETKIT2_SLOT_NONE	INT_MIN

const struct netkit2_progs *netkit2_progs_rtnl(const struct net_device *dev)
{
	return rtnl_dereference(netkit2_priv(dev)->progs);
}

u64 netkit2_prog_revision(const struct net_device *dev)
{
	ASSERT_RTNL();
	return netkit2_priv(dev)->revision;
}

static unsigned int netkit2_progs_count(const struct netkit2_progs *progs)
{
	return progs ? progs->count : 0;
}

/* Index of the program with id @id, or -ENOENT. */
static int netkit2_progs_find(const struct netkit2_progs *progs, u32 id)
{
	unsigned int i;

	for (i = 0; i < netkit2_progs_count(progs); i++)
		if (progs->prog[i]->aux->id == id)
			return i;
	return -ENOENT;
}

static bool netkit2_owner_eq(const struct netkit2_owner *a,
			     const struct netkit2_owner *b)
{
	return a->portid == b->portid && a->net == b->net;
}

/*
 * The slot the BEFORE/AFTER rules of a request agree on, starting from
 * @slot (the exact position of a REPLACE or detach target, or none).
 */
static int netkit2_progs_slot(const struct netkit2_progs *progs, u32 flags,
			      u32 rel_id, int slot, int *res)
{
	int count = netkit2_progs_count(progs);
	int s;

	if (flags & NETKIT2_F_BEFORE) {
		s = rel_id ? netkit2_progs_find(progs, rel_id) : 0;
		if (s < 0)
			return s;
		s--;
		if (slot != NETKIT2_SLOT_NONE && slot != s)
			return -ERANGE;
		slot = s;
	}
	if (flags & NETKIT2_F_AFTER) {
		if (rel_id) {
			s = netkit2_progs_find(progs, rel_id);
			if (s < 0)
				return s;
			s++;
		} else {
			s = count;
		}
		if (slot != NETKIT2_SLOT_NONE && slot != s)
			return -ERANGE;
		slot = s;
	}
	if (slot == NETKIT2_SLOT_NONE) {
		if (rel_id || (flags & ~NETKIT2_F_REPLACE))
			return -EINVAL;
		slot = count;
	}
	if (slot >= NETKIT2_PROGS_MAX)
		return -ERANGE;
	*res = slot;
	return 0;
}

static struct netkit2_progs *netkit2_progs_dup(const struct netkit2_progs *old)
{
	struct netkit2_progs *progs;

	progs = kmalloc_obj(*progs, GFP_KERNEL);
	if (!progs)
		return NULL;
	if (old)
		memcpy(progs, old, sizeof(*progs));
	else
		progs->count = 0;
	return progs;
}

/* Keep the device on the list the socket-release hook walks while it
 * holds a program some socket owns.
 */
static void netkit2_owned_sync(struct netkit2 *nk,
			       const struct netkit2_progs *progs)
{
	unsigned int i, owned = 0;

	for (i = 0; i < netkit2_progs_count(progs); i++)
		if (progs->owner[i].portid)
			owned++;
	nk->owned = owned;
	if (owned && list_empty(&nk->owned_node))
		list_add_tail(&nk->owned_node, &netkit2_owned_devs);
	else if (!owned && !list_empty(&nk->owned_node))
		list_del_init(&nk->owned_node);
}

/* Make @progs (NULL when empty) the device's programs. */
static void netkit2_progs_publish(struct netkit2 *nk,
				  struct netkit2_progs *progs)
{
	if (progs && !progs->count) {
		kfree(progs);
		progs = NULL;
	}
	if (progs)
		progs->prog[progs->count] = NULL;
	rcu_assign_pointer(nk->progs, progs);
	nk->revision++;
	netkit2_owned_sync(nk, progs);
}

int netkit2_prog_attach(struct net_device *dev,
			const struct netkit2_prog_req *req)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netkit2_progs *old, *progs;
	int slot = NETKIT2_SLOT_NONE;
	struct bpf_prog *gone = NULL;
	unsigned int count;
	int err;

	ASSERT_RTNL();
	old = rtnl_dereference(nk->progs);
	count = netkit2_progs_count(old);
	if (req->expected_revision && req->expected_revision != nk->revision)
		return -ESTALE;
	if (netkit2_progs_find(old, req->prog->aux->id) >= 0)
		return -EEXIST;
	if (req->flags & NETKIT2_F_REPLACE) {
		if (!req->replace_id)
			return -EINVAL;
		slot = netkit2_progs_find(old, req->replace_id);
		if (slot < 0)
			return slot;
	} else if (count == NETKIT2_PROGS_MAX) {
		return -ERANGE;
	}
	err = netkit2_progs_slot(old, req->flags, req->rel_id, slot, &slot);
	if (err)
		return err;

	progs = netkit2_progs_dup(old);
	if (!progs)
		return -ENOMEM;
	if (req->flags & NETKIT2_F_REPLACE) {
		gone = progs->prog[slot];
	} else {
		/* The front is slot -1; "before i" lands on i's index. */
		if (slot < (int)count && (req->flags & NETKIT2_F_BEFORE))
			slot++;
		memmove(&progs->prog[slot + 1], &progs->prog[slot],
			(count - slot) * sizeof(progs->prog[0]));
		memmove(&progs->owner[slot + 1], &progs->owner[slot],
			(count - slot) * sizeof(progs->owner[0]));
		progs->count++;
	}
	progs->prog[slot] = req->prog;
	progs->owner[slot] = req->owner;
	netkit2_progs_publish(nk, progs);

	if (gone) {
		synchronize_rcu();
		bpf_prog_put(gone);
		kfree(old);
	} else if (old) {
		kfree_rcu(old, rcu);
	}
	return 0;
}

int netkit2_prog_detach(struct net_device *dev,
			const struct netkit2_prog_req *req)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netkit2_progs *old, *progs;
	int slot = NETKIT2_SLOT_NONE;
	struct bpf_prog *gone;
	unsigned int count;
	int err;

	ASSERT_RTNL();
	old = rtnl_dereference(nk->progs);
	count = netkit2_progs_count(old);
	/* Nothing attached: nothing to detach, whatever the request says. */
	if (!count)
		return -ENOENT;
	if (req->flags & NETKIT2_F_REPLACE)
		return -EINVAL;
	if (req->expected_revision && req->expected_revision != nk->revision)
		return -ESTALE;
	if (req->prog || req->prog_id) {
		slot = netkit2_progs_find(old, req->prog ? req->prog->aux->id :
						    req->prog_id);
		if (slot < 0)
			return slot;
	}
	err = netkit2_progs_slot(old, req->flags, req->rel_id, slot, &slot);
	if (err)
		return err;
	/* Front and back name the first and the last program. */
	if (slot < 0)
		slot = 0;
	else if (slot == count)
		slot = count - 1;

	progs = netkit2_progs_dup(old);
	if (!progs)
		return -ENOMEM;
	gone = progs->prog[slot];
	progs->count--;
	memmove(&progs->prog[slot], &progs->prog[slot + 1],
		(progs->count - slot) * sizeof(progs->prog[0]));
	memmove(&progs->owner[slot], &progs->owner[slot + 1],
		(progs->count - slot) * sizeof(progs->owner[0]));
	netkit2_progs_publish(nk, progs);

	synchronize_rcu();
	bpf_prog_put(gone);
	kfree(old);
	return 0;
}

/* Detach every program @owner attached; true if there was any. */
bool netkit2_prog_release_owner(struct net_device *dev,
				const struct netkit2_owner *owner)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netkit2_progs *old, *progs;
	unsigned int i, n = 0;

	ASSERT_RTNL();
	old = rtnl_dereference(nk->progs);
	for (i = 0; i < netkit2_progs_count(old); i++)
		if (netkit2_owner_eq(&old->owner[i], owner))
			n++;
	if (!n)
		return false;

	progs = netkit2_progs_dup(NULL);
	if (!progs) {
		/* Cannot build the smaller list: drop the whole one. */
		netkit2_prog_release_all(dev);
		return true;
	}
	for (i = 0; i < old->count; i++) {
		if (netkit2_owner_eq(&old->owner[i], owner))
			continue;
		progs->prog[progs->count] = old->prog[i];
		progs->owner[progs->count] = old->owner[i];
		progs->count++;
	}
	netkit2_progs_publish(nk, progs);

	synchronize_rcu();
	for (i = 0; i < old->count; i++)
		if (netkit2_owner_eq(&old->owner[i], owner))
			bpf_prog_put(old->prog[i]);
	kfree(old);
	return true;
}

/* Detach everything: the device goes away (or the module with it). */
void netkit2_prog_release_all(struct net_device *dev)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netkit2_progs *old;
	unsigned int i;

	ASSERT_RTNL();
	old = rtnl_dereference(nk->progs);
	if (!old)
		return;
	netkit2_progs_publish(nk, NULL);
	synchronize_rcu();
	for (i = 0; i < old->count; i++)
		bpf_prog_put(old->prog[i]);
	kfree(old);
}
