// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol namespaces are named by a bare identifier (before 6.13), not by
 * a string: the string form's MODULE_IMPORT_NS() does not take this.
 *
 * First in: the old form: Linux up to 6.12; the string form since 6.13
 * ("module: Convert symbol namespace to string literal").
 */
#include <linux/module.h>

MODULE_IMPORT_NS(NETKIT2_PROBE_NS);
