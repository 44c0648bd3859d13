// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol namespaces are named by a bare identifier (before 6.13), not by
 * a string: the string form's MODULE_IMPORT_NS() does not take this.
 */
#include <linux/module.h>

MODULE_IMPORT_NS(NETKIT2_PROBE_NS);
