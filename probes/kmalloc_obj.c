// SPDX-License-Identifier: GPL-2.0
/* Typed allocation helpers: kmalloc_obj(var_or_type, gfp). */
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
