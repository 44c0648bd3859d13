// SPDX-License-Identifier: GPL-2.0-only
/*
 * netkit2: the ordered programs of a device.
 *
 * Each device of a pair owns the programs its transmit path runs. The
 * control path (RTNL held) never edits the published array: it builds the
 * next one, publishes it with rcu_assign_pointer() and hands the old one to
 * a work item that runs after a grace period and puts the references the
 * old array held. No request waits for a grace period; a program is freed
 * only once no array that may still be read holds it.
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
 *
 * Ownership. An attachment may be owned by the netlink socket that made it
 * and is detached when that socket is released. A port id names a socket
 * only while it is bound: the core unhashes a closing socket before it
 * announces the release, and a new socket may take the same port id in
 * between. An owner is therefore the socket itself (struct netkit2_owner
 * records its address as an identity, next to its namespace and port id),
 * and a release detaches only the programs of owners whose socket is
 * dead. The address stays valid as long as the owner exists: the socket is
 * freed only after its release, which removes every owner of it.
 */

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/hashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/sock.h>

#include "netkit2.h"

/* No rule of the request has chosen a slot yet. */
#define NETKIT2_SLOT_NONE	INT_MIN

/*
 * A socket owning attachments. @refs counts the entries of published arrays
 * that name it (RTNL); the owner goes with the last of them. The table is
 * also read without RTNL by the socket-release hook, under its lock.
 */
struct netkit2_owner {
	struct hlist_node	node;
	const struct sock	*sk;
	const struct net	*net;
	u32			portid;
	unsigned int		refs;
};

static DEFINE_HASHTABLE(netkit2_owners, 6);
static DEFINE_SPINLOCK(netkit2_owners_lock);

/* Devices with programs owned by a socket: RTNL. */
LIST_HEAD(netkit2_owned_devs);

/* Where replaced arrays put their programs, once no reader is left. */
static struct workqueue_struct *netkit2_prog_wq;

static struct netkit2_prog_ctl *netkit2_ctl(const struct net_device *dev)
{
	return &netkit2_priv(dev)->progctl;
}

void netkit2_prog_ctl_init(struct netkit2_prog_ctl *ctl)
{
	ctl->revision = 1;
	ctl->owned = 0;
	INIT_LIST_HEAD(&ctl->owned_node);
}

const struct netkit2_progs *netkit2_progs_rtnl(const struct net_device *dev)
{
	return rtnl_dereference(netkit2_priv(dev)->progs);
}

u64 netkit2_prog_revision(const struct net_device *dev)
{
	ASSERT_RTNL();
	return netkit2_ctl(dev)->revision;
}

/* The port id of the socket owning program @i, 0 for none. */
u32 netkit2_progs_owner_portid(const struct netkit2_progs *progs,
			       unsigned int i)
{
	ASSERT_RTNL();
	return progs->owner[i] ? progs->owner[i]->portid : 0;
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

/* The owner of socket @sk, made on its first owned attachment. */
static struct netkit2_owner *netkit2_owner_get(struct sock *sk, u32 portid)
{
	struct netkit2_owner *owner;

	ASSERT_RTNL();
	hash_for_each_possible(netkit2_owners, owner, node, portid)
		if (owner->sk == sk)
			return owner;

	owner = kzalloc_obj(*owner, GFP_KERNEL);
	if (!owner)
		return NULL;
	owner->sk = sk;
	owner->net = sock_net(sk);
	owner->portid = portid;
	spin_lock_bh(&netkit2_owners_lock);
	hash_add(netkit2_owners, &owner->node, portid);
	spin_unlock_bh(&netkit2_owners_lock);
	return owner;
}

static void netkit2_owner_free(struct netkit2_owner *owner)
{
	ASSERT_RTNL();
	spin_lock_bh(&netkit2_owners_lock);
	hash_del(&owner->node);
	spin_unlock_bh(&netkit2_owners_lock);
	kfree(owner);
}

/* Whether @owner is the socket of @net / @portid that is being released. */
static bool netkit2_owner_dying(const struct netkit2_owner *owner,
				const struct net *net, u32 portid)
{
	return owner->portid == portid && owner->net == net &&
	       sock_flag(owner->sk, SOCK_DEAD);
}

/*
 * The socket-release hook's first look, without RTNL: whether the socket
 * of @net / @portid being released owns any attachment.
 */
bool netkit2_prog_sock_owns(const struct net *net, u32 portid)
{
	struct netkit2_owner *owner;
	bool found = false;

	spin_lock_bh(&netkit2_owners_lock);
	hash_for_each_possible(netkit2_owners, owner, node, portid) {
		if (netkit2_owner_dying(owner, net, portid)) {
			found = true;
			break;
		}
	}
	spin_unlock_bh(&netkit2_owners_lock);
	return found;
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

static struct netkit2_progs *netkit2_progs_dup(const struct netkit2_progs *old,
					       gfp_t gfp)
{
	struct netkit2_progs *progs;

	progs = kmalloc_obj(*progs, gfp);
	if (!progs)
		return NULL;
	if (old)
		memcpy(progs, old, sizeof(*progs));
	else
		progs->count = 0;
	return progs;
}

/* The new array's own reference on each program, but for @skip's. */
static void netkit2_progs_hold(const struct netkit2_progs *progs,
			       const struct bpf_prog *skip)
{
	unsigned int i;

	for (i = 0; i < progs->count; i++)
		if (progs->prog[i] != skip)
			bpf_prog_inc(progs->prog[i]);
}

static void netkit2_progs_free_work(struct work_struct *work)
{
	struct netkit2_progs *progs;
	unsigned int i;

	progs = container_of(to_rcu_work(work), struct netkit2_progs, rwork);
	for (i = 0; i < progs->count; i++)
		bpf_prog_put(progs->prog[i]);
	kfree(progs);
}

/* @progs is no longer published: drop it once no reader can see it. */
static void netkit2_progs_retire(struct netkit2_progs *progs)
{
	if (!progs)
		return;
	INIT_RCU_WORK(&progs->rwork, netkit2_progs_free_work);
	queue_rcu_work(netkit2_prog_wq, &progs->rwork);
}

/*
 * Keep the owners' counts and the device's place on the socket-release
 * list in step with the published array, @progs replacing @old.
 */
static void netkit2_owned_sync(struct net_device *dev,
			       const struct netkit2_progs *progs,
			       const struct netkit2_progs *old)
{
	struct netkit2_prog_ctl *ctl = netkit2_ctl(dev);
	struct netkit2_owner *owner;
	unsigned int i, owned = 0;

	for (i = 0; i < netkit2_progs_count(progs); i++) {
		owner = progs->owner[i];
		if (owner) {
			owner->refs++;
			owned++;
		}
	}
	for (i = 0; i < netkit2_progs_count(old); i++) {
		owner = old->owner[i];
		if (owner && !--owner->refs)
			netkit2_owner_free(owner);
	}

	ctl->owned = owned;
	if (owned && list_empty(&ctl->owned_node))
		list_add_tail(&ctl->owned_node, &netkit2_owned_devs);
	else if (!owned && !list_empty(&ctl->owned_node))
		list_del_init(&ctl->owned_node);
}

/*
 * Make @progs (NULL when empty) the device's programs in place of the
 * current ones, which are retired.
 */
static void netkit2_progs_publish(struct net_device *dev,
				  struct netkit2_progs *progs)
{
	struct netkit2 *nk = netkit2_priv(dev);
	struct netkit2_progs *old;

	old = rtnl_dereference(nk->progs);
	if (progs && !progs->count) {
		kfree(progs);
		progs = NULL;
	}
	if (progs)
		progs->prog[progs->count] = NULL;
	rcu_assign_pointer(nk->progs, progs);
	netkit2_ctl(dev)->revision++;
	netkit2_owned_sync(dev, progs, old);
	netkit2_progs_retire(old);
}

int netkit2_prog_attach(struct net_device *dev,
			const struct netkit2_prog_req *req)
{
	struct netkit2_owner *owner = NULL;
	struct netkit2_progs *old, *progs;
	int slot = NETKIT2_SLOT_NONE;
	unsigned int count;
	int err;

	ASSERT_RTNL();
	old = rtnl_dereference(netkit2_priv(dev)->progs);
	count = netkit2_progs_count(old);
	if (req->expected_revision &&
	    req->expected_revision != netkit2_ctl(dev)->revision)
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

	progs = netkit2_progs_dup(old, GFP_KERNEL);
	if (!progs)
		return -ENOMEM;
	if (req->owner_sk) {
		owner = netkit2_owner_get(req->owner_sk, req->owner_portid);
		if (!owner) {
			kfree(progs);
			return -ENOMEM;
		}
	}
	if (!(req->flags & NETKIT2_F_REPLACE)) {
		/* The front is slot -1; "before i" lands on i's index. */
		if (slot < (int)count && (req->flags & NETKIT2_F_BEFORE))
			slot++;
		memmove(&progs->prog[slot + 1], &progs->prog[slot],
			(count - slot) * sizeof(progs->prog[0]));
		memmove(&progs->owner[slot + 1], &progs->owner[slot],
			(count - slot) * sizeof(progs->owner[0]));
		progs->count++;
	}
	/* A replaced program keeps only the old array's reference. */
	progs->prog[slot] = req->prog;
	progs->owner[slot] = owner;
	netkit2_progs_hold(progs, req->prog);
	netkit2_progs_publish(dev, progs);
	return 0;
}

int netkit2_prog_detach(struct net_device *dev,
			const struct netkit2_prog_req *req)
{
	struct netkit2_progs *old, *progs;
	int slot = NETKIT2_SLOT_NONE;
	unsigned int count;
	int err;

	ASSERT_RTNL();
	old = rtnl_dereference(netkit2_priv(dev)->progs);
	count = netkit2_progs_count(old);
	/* Nothing attached: nothing to detach, whatever the request says. */
	if (!count)
		return -ENOENT;
	if (req->flags & NETKIT2_F_REPLACE)
		return -EINVAL;
	if (req->expected_revision &&
	    req->expected_revision != netkit2_ctl(dev)->revision)
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

	progs = netkit2_progs_dup(old, GFP_KERNEL);
	if (!progs)
		return -ENOMEM;
	progs->count--;
	memmove(&progs->prog[slot], &progs->prog[slot + 1],
		(progs->count - slot) * sizeof(progs->prog[0]));
	memmove(&progs->owner[slot], &progs->owner[slot + 1],
		(progs->count - slot) * sizeof(progs->owner[0]));
	netkit2_progs_hold(progs, NULL);
	netkit2_progs_publish(dev, progs);
	return 0;
}

/*
 * Detach what the socket being released owned on @dev; true if there was
 * anything. Whatever else happens, the programs of other owners and the
 * unowned ones stay: the smaller array is allocated with __GFP_NOFAIL (it
 * is small), since failing here would leave the socket's programs running
 * with no one left to detach them, and dropping the whole list would let
 * the device fall back to its default policy. An agent killed for lack of
 * memory gets here with the least memory.
 */
static bool netkit2_prog_release_owner(struct net_device *dev,
				       const struct net *net, u32 portid)
{
	struct netkit2_progs *old, *progs;
	unsigned int i;

	ASSERT_RTNL();
	old = rtnl_dereference(netkit2_priv(dev)->progs);
	for (i = 0; i < netkit2_progs_count(old); i++)
		if (old->owner[i] &&
		    netkit2_owner_dying(old->owner[i], net, portid))
			break;
	if (i == netkit2_progs_count(old))
		return false;

	progs = netkit2_progs_dup(NULL, GFP_KERNEL | __GFP_NOFAIL);
	for (i = 0; i < old->count; i++) {
		if (old->owner[i] &&
		    netkit2_owner_dying(old->owner[i], net, portid))
			continue;
		progs->prog[progs->count] = old->prog[i];
		progs->owner[progs->count] = old->owner[i];
		progs->count++;
	}
	netkit2_progs_hold(progs, NULL);
	netkit2_progs_publish(dev, progs);
	return true;
}

/*
 * The socket of @net / @portid is being released: detach what it owned,
 * telling @changed of each device whose programs changed.
 */
void netkit2_prog_release_sock(const struct net *net, u32 portid,
			       void (*changed)(struct net_device *dev))
{
	struct netkit2_prog_ctl *ctl, *tmp;
	struct netkit2 *nk;

	ASSERT_RTNL();
	list_for_each_entry_safe(ctl, tmp, &netkit2_owned_devs, owned_node) {
		nk = container_of(ctl, struct netkit2, progctl);
		if (netkit2_prog_release_owner(nk->dev, net, portid))
			changed(nk->dev);
	}
}

/* Detach everything: the device goes away (or the module with it). */
void netkit2_prog_release_all(struct net_device *dev)
{
	ASSERT_RTNL();
	if (rtnl_dereference(netkit2_priv(dev)->progs))
		netkit2_progs_publish(dev, NULL);
}

/* Wait until every retired array has put its programs. */
void netkit2_prog_barrier(void)
{
	rcu_barrier();
	flush_workqueue(netkit2_prog_wq);
}

/*
 * Unbound: putting programs needs no particular CPU. Newer kernels warn
 * about a workqueue that says neither WQ_UNBOUND nor WQ_PERCPU.
 */
int __init netkit2_prog_init(void)
{
	netkit2_prog_wq = alloc_workqueue("netkit2", WQ_UNBOUND, 0);
	return netkit2_prog_wq ? 0 : -ENOMEM;
}

/* After the last device: the retired arrays still queued are drained. */
void netkit2_prog_exit(void)
{
	rcu_barrier();
	destroy_workqueue(netkit2_prog_wq);
}
