// SPDX-License-Identifier: GPL-2.0
/* The "tmm" generic netlink family: policies, commands and replies. */
#include <net/genetlink.h>
#include <linux/tmm.h>

#include "tmm.h"

static struct genl_family tmm_family;

static int tmm_cmd_hello(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	void *hdr;

	reply = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &tmm_family, 0, TMM_CMD_HELLO);
	if (!hdr || nla_put_u32(reply, TMM_A_VERSION, TMM_GENL_VERSION)) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static const struct nla_policy tmm_policy[TMM_A_MAX + 1] = {
	[TMM_A_VERSION] = { .type = NLA_U32 },
};

static const struct genl_small_ops tmm_ops[] = {
	{
		.cmd = TMM_CMD_HELLO,
		.doit = tmm_cmd_hello,
	},
};

static struct genl_family tmm_family __ro_after_init = {
	.name = TMM_GENL_NAME,
	.version = TMM_GENL_VERSION,
	.maxattr = TMM_A_MAX,
	.policy = tmm_policy,
	.module = THIS_MODULE,
	.small_ops = tmm_ops,
	.n_small_ops = ARRAY_SIZE(tmm_ops),
	.resv_start_op = TMM_CMD_HELLO + 1,
};

/**
 * tmm_netlink_init() - register the "tmm" generic netlink family
 *
 * Return: 0 or a negative errno from genl_register_family().
 */
int tmm_netlink_init(void)
{
	return genl_register_family(&tmm_family);
}

/**
 * tmm_netlink_exit() - unregister the family
 */
void tmm_netlink_exit(void)
{
	genl_unregister_family(&tmm_family);
}
