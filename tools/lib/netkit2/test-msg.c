// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test-msg: libnetkit2's request buffer, without a kernel. Built from the
 * library's source, it appends attributes until the request is full and
 * past it, and checks that nothing is written beyond the buffer and that
 * an overfull request is refused with EMSGSIZE before it is sent (a
 * request that fits gets as far as the socket, here an invalid one:
 * EBADF). Output is TAP.
 */
#include "libnetkit2.c"

static int failed, count;

static void ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++count, what);
	failed += !cond;
}

int main(void)
{
	struct nk2_sock sk = { .fd = -1 };
	char big[NK2_REQ_SIZE] = { 0 };
	struct nk2_msg m;
	unsigned int n;
	__u32 len;

	nk2_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	nk2_put_u32(&m, 1, 1);
	ok(nk2_talk(&sk, &m, NULL, NULL) == -EBADF, "a request that fits is sent");

	nk2_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	for (n = 0; n < NK2_REQ_SIZE / NLA_ALIGN(NLA_HDRLEN + 4); n++)
		nk2_put_u32(&m, 1, n);
	ok(m.overflow, "a request with more u32s than fit is marked");
	ok(m.nlh == (struct nlmsghdr *)m.buf, "nothing written past the buffer");
	len = m.nlh->nlmsg_len;
	ok(len <= sizeof(m.buf) && len + NLA_ALIGN(NLA_HDRLEN + 4) > sizeof(m.buf),
	   "it holds as many as fit");
	nk2_put(&m, 1, NULL, 0);
	ok(m.nlh->nlmsg_len == len, "nothing appended after the first miss");
	ok(nk2_talk(&sk, &m, NULL, NULL) == -EMSGSIZE, "and it is refused: EMSGSIZE");

	nk2_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	ok(!m.overflow, "a new request starts clean");
	nk2_put(&m, 1, big, sizeof(big));
	ok(m.overflow && m.nlh->nlmsg_len == NLMSG_LENGTH(GENL_HDRLEN),
	   "one attribute larger than the buffer is not written");
	nk2_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	nk2_put(&m, 1, big, (size_t)UINT16_MAX);
	ok(m.overflow, "nor one longer than an attribute's length");

	printf("%d passed, %d failed\n", count - failed, failed);
	return failed ? 1 : 0;
}
