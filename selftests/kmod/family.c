// The chain: tmm.ko is loaded, its generic netlink family exists, and a
// libnl client resolves it and gets an answer.
#include <stdio.h>
#include <string.h>

#include <linux/tmm.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "kselftest_harness.h"

TEST(module_loaded)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/modules", "r");

	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "tmm ", 4) == 0)
			found = 1;
	fclose(f);
	EXPECT_EQ(1, found);
}

FIXTURE(genl)
{
	struct nl_sock *sock;
	int family;
};

FIXTURE_SETUP(genl)
{
	self->sock = nl_socket_alloc();
	ASSERT_NE(NULL, self->sock);
	ASSERT_EQ(0, genl_connect(self->sock));
	self->family = genl_ctrl_resolve(self->sock, TMM_GENL_NAME);
}

FIXTURE_TEARDOWN(genl)
{
	nl_socket_free(self->sock);
}

TEST_F(genl, family_resolves)
{
	EXPECT_GT(self->family, 0);
}

static int on_version(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[TMM_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TMM_A_MAX, NULL) == 0 && attrs[TMM_A_VERSION])
		*(unsigned int *)arg = nla_get_u32(attrs[TMM_A_VERSION]);
	return NL_OK;
}

TEST_F(genl, hello_answers_version)
{
	unsigned int version = 0;

	ASSERT_GT(self->family, 0);
	nl_socket_modify_cb(self->sock, NL_CB_VALID, NL_CB_CUSTOM, on_version, &version);
	ASSERT_LE(0,
		  genl_send_simple(self->sock, self->family, TMM_CMD_HELLO, TMM_GENL_VERSION, 0));
	ASSERT_LE(0, nl_recvmsgs_default(self->sock));
	EXPECT_EQ(TMM_GENL_VERSION, (int)version);
}

TEST_HARNESS_MAIN
