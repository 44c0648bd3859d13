// SPDX-License-Identifier: GPL-2.0
/*
 * Typed allocation helpers: kmalloc_obj(var_or_type, gfp).
 *
 * First in: Linux 7.0 ("slab: Introduce kmalloc_obj() and family"), also
 * in 6.12.y and 6.18.y.
 */
#include <linux/slab.h>

struct probe_s {
	int a;
};

struct probe_s *probe(void);
struct probe_s *probe(void)
{
	struct probe_s *p = kmalloc_obj(*p, GFP_KERNEL);

	return p;
}
