/*
 * HTTP server, GNU Pth: a thread per connection, with Pth's own I/O calls
 * (pth_accept, pth_read, pth_write), which wait without blocking the process.
 * Started by tools/bench/http-load, which drives it with wrk and stops it.
 */
#include <pth.h>

#include "http.h"

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t len = 0;
	ssize_t got;

	while ((got = pth_read(fd, buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)got;
		for (int n = http_take_requests(buf, &len); n > 0; n--)
			if (pth_write(fd, HTTP_ANSWER, sizeof(HTTP_ANSWER) - 1) < 0)
				goto out;
		if (len == sizeof(buf))
			break;
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int lfd = http_listen((int)bench_arg(argc, argv, 1, 8080));
	pth_attr_t attr;

	pth_init();
	attr = pth_attr_new();
	pth_attr_set(attr, PTH_ATTR_JOINABLE, FALSE);
	for (;;) {
		int fd = pth_accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		if (!pth_spawn(attr, serve, (void *)(intptr_t)fd))
			close(fd);
	}
}
