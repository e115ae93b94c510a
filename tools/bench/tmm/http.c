/*
 * HTTP server, tmm: a tmm thread per connection (default attributes), each
 * answering every request of its connection until the client closes it, as
 * the pthread peer does, with tmm_io.h's calls.  The model comes from
 * TMM_MODEL; under M:1 and M:N a connection waiting for its next request
 * parks its tmm thread on the epoll poller, not a kernel thread.  Started
 * by tools/bench/http-load and tools/bench/http-compare, which stop it.
 * tools/examples/http_hello.c is the same server written as an example.
 */
#include <tmm_io.h>

#include "http.h"
#include "runtime.h"

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t len = 0;
	ssize_t got;

	while ((got = tmm_read(fd, buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)got;
		for (int n = http_take_requests(buf, &len); n > 0; n--)
			if (tmm_write(fd, HTTP_ANSWER, sizeof(HTTP_ANSWER) - 1) < 0)
				goto out;
		if (len == sizeof(buf))
			break; /* a request larger than the buffer: not ours */
	}
out:
	tmm_close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct tmm_attr attr = {.detached = 1};
	int lfd;

	bench_tmm_start();
	lfd = http_listen((int)bench_arg(argc, argv, 1, 8080));
	for (;;) {
		int fd = tmm_accept(lfd, NULL, NULL);
		tmm_thread_t *t;

		if (fd < 0)
			continue;
		if (tmm_create(&t, &attr, serve, (void *)(intptr_t)fd))
			tmm_close(fd);
	}
}
