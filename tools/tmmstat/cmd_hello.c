/* cmd_hello.c — tmmstat hello: is the module there, and what does it say. */
#include <inttypes.h>
#include <string.h>

#include "nl.h"

int cmd_hello(int argc, char **argv)
{
	struct tmm_hello h;
	struct tmm_nl nl;
	int rc, err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: tmmstat hello\n\n"
		       "Asks tmm.ko for its netlink version and how many threads it tracks.\n");
		return 0;
	}
	if (argc != 1)
		return usage_error("hello", "takes no arguments");
	if ((rc = tmm_nl_open(&nl)))
		return rc;
	err = tmm_nl_hello(&nl, &h);
	if (!err)
		printf("tmm module: family \"%s\" id %d, version %u; tracking %u threads (at most "
		       "%u), %" PRIu64 " left untracked\n",
		       TMM_GENL_NAME, nl.family, h.version, h.threads, h.max_threads, h.dropped);
	tmm_nl_close(&nl);
	return err ? tmm_nl_fail(err, 0, "the module") : 0;
}
