/*
 * HTTP server, pthreads: a thread per connection (default attributes), each
 * answering every request of its connection until the client closes it.
 * Started by tools/bench/http-load, which drives it with wrk and stops it.
 */
#include <pthread.h>

#include "http.h"

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t len = 0;
	ssize_t got;

	while ((got = read(fd, buf + len, sizeof(buf) - len)) > 0) {
		len += (size_t)got;
		for (int n = http_take_requests(buf, &len); n > 0; n--)
			if (write(fd, HTTP_ANSWER, sizeof(HTTP_ANSWER) - 1) < 0)
				goto out;
		if (len == sizeof(buf))
			break; /* a request larger than the buffer: not ours */
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	int lfd = http_listen((int)bench_arg(argc, argv, 1, 8080));
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pthread_t t;

		if (fd < 0)
			continue;
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd))
			close(fd);
	}
}
