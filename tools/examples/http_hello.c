/*
 * http_hello — a minimal HTTP/1.1 server, one tmm thread per connection.
 *
 *   TMM_MODEL=m:n http_hello [PORT]      (default port 8080, 127.0.0.1)
 *
 * Answers every request with "Hello, world"; keeps connections alive unless
 * the client says "Connection: close".  Requests with a body are not
 * supported (it is a benchmark target, not a web server).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "tmm.h"
#include "tmm_io.h"

static const char reply[] = "HTTP/1.1 200 OK\r\n"
			    "Content-Type: text/plain\r\n"
			    "Content-Length: 13\r\n"
			    "\r\n"
			    "Hello, world\n";

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = tmm_write(fd, buf, len);

		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Whether the request head [head, end) asks to close the connection. */
static int wants_close(const char *head, const char *end)
{
	static const char key[] = "\r\nConnection: close";
	size_t klen = sizeof(key) - 1;

	for (const char *p = head; p + klen <= end; p++)
		if (strncasecmp(p, key, klen) == 0)
			return 1;
	return 0;
}

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t have = 0;

	for (;;) {
		char *end = memmem(buf, have, "\r\n\r\n", 4);
		ssize_t n;

		if (end) {
			size_t used = end + 4 - buf;
			int close_after = wants_close(buf, end);

			if (write_all(fd, reply, sizeof(reply) - 1) < 0 || close_after)
				break;
			memmove(buf, buf + used, have - used);
			have -= used;
			continue;
		}
		if (have == sizeof(buf))
			break; /* a request head larger than we accept */
		n = tmm_read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += n;
	}
	tmm_close(fd);
	return NULL;
}

static int listen_on(int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 65535) < 0) {
		perror("http_hello: listen");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 8080;
	struct tmm_attr attr = {.name = "conn", .detached = 1, .stack_size = 32 << 10};
	int err, lfd, one = 1;

	err = tmm_init(NULL);
	if (err) {
		fprintf(stderr, "http_hello: tmm_init: %s\n", strerror(err));
		return 1;
	}
	lfd = listen_on(port);
	printf("http_hello: %s model, listening on 127.0.0.1:%d\n",
	       tmm_model_name(tmm_current_model()), port);
	fflush(stdout);
	for (;;) {
		tmm_thread_t *t;
		int fd = tmm_accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == EINTR ||
			    errno == ECONNABORTED)
				continue;
			perror("http_hello: accept");
			break;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		err = tmm_create(&t, &attr, serve, (void *)(intptr_t)fd);
		if (err) {
			fprintf(stderr, "http_hello: tmm_create: %s\n", strerror(err));
			tmm_close(fd);
		}
	}
	tmm_close(lfd);
	return tmm_fini();
}
