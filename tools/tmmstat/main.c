/*
 * tmmstat — the kernel's view (tmm.ko, over generic netlink) beside ulib's
 * view of which user threads run on which kernel thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/tmm.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

/* Exit codes: each error a person can act on has its own. */
enum { EXIT_USAGE = 2, EXIT_NO_MODULE = 3, EXIT_NETLINK = 4 };

static int on_hello(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[TMM_A_MAX + 1];
	unsigned int *version = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TMM_A_MAX, NULL) < 0 || !attrs[TMM_A_VERSION])
		return NL_SKIP;
	*version = nla_get_u32(attrs[TMM_A_VERSION]);
	return NL_OK;
}

static int cmd_hello(void)
{
	struct nl_sock *sock = nl_socket_alloc();
	unsigned int version = 0;
	int family, err, rc = 0;

	if (!sock || genl_connect(sock) < 0) {
		fprintf(stderr, "tmmstat: cannot open a generic netlink socket\n");
		return EXIT_NETLINK;
	}
	family = genl_ctrl_resolve(sock, TMM_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "tmmstat: the tmm module is not loaded (no netlink family \"%s\"); "
				"load it with: modprobe tmm\n", TMM_GENL_NAME);
		nl_socket_free(sock);
		return EXIT_NO_MODULE;
	}
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_hello, &version);
	err = genl_send_simple(sock, family, TMM_CMD_HELLO, TMM_GENL_VERSION, 0);
	if (err >= 0)
		err = nl_recvmsgs_default(sock);
	if (err < 0 || version == 0) {
		fprintf(stderr, "tmmstat: the tmm module did not answer: %s\n", nl_geterror(err));
		rc = EXIT_NETLINK;
	} else {
		printf("tmm module: family \"%s\" id %d, version %u\n", TMM_GENL_NAME, family, version);
	}
	nl_socket_free(sock);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: tmmstat hello   ask the tmm module for its version\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "hello") == 0)
		return cmd_hello();
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return EXIT_USAGE;
}
