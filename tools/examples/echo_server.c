/*
 * echo_server — one tmm thread per connection, echoing what it reads.
 *
 *   TMM_MODEL=m:n echo_server [PORT]      (default port 7007, 127.0.0.1)
 *
 * The same code runs under every model; under M:1 and M:N a connection that
 * waits for data parks its tmm thread, not the kernel thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tmm.h"
#include "tmm_io.h"

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;

	while ((n = tmm_read(fd, buf, sizeof(buf))) > 0) {
		ssize_t done = 0;

		while (done < n) {
			ssize_t w = tmm_write(fd, buf + done, n - done);

			if (w < 0)
				goto out;
			done += w;
		}
	}
out:
	tmm_close(fd);
	return NULL;
}

static int listen_on(int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4096) < 0) {
		perror("echo_server: listen");
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7007;
	struct tmm_attr attr = {.name = "conn", .detached = 1};
	int err, lfd;

	err = tmm_init(NULL);
	if (err) {
		fprintf(stderr, "echo_server: tmm_init: %s\n", strerror(err));
		return 1;
	}
	lfd = listen_on(port);
	printf("echo_server: %s model, listening on 127.0.0.1:%d\n",
	       tmm_model_name(tmm_current_model()), port);
	fflush(stdout);
	for (;;) {
		tmm_thread_t *t;
		int fd = tmm_accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == EINTR)
				continue;
			perror("echo_server: accept");
			break;
		}
		err = tmm_create(&t, &attr, serve, (void *)(intptr_t)fd);
		if (err) {
			fprintf(stderr, "echo_server: tmm_create: %s\n", strerror(err));
			tmm_close(fd);
		}
	}
	tmm_close(lfd);
	return tmm_fini();
}
