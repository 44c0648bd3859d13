// SPDX-License-Identifier: GPL-2.0
/* rtnetlink core parses and validates the peer's attributes (peer_type). */
#include <net/rtnetlink.h>

struct rtnl_link_ops probe_ops = { .peer_type = 1 };
