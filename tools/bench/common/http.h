/*
 * http.h — the smallest HTTP/1.1 server the HTTP workload needs, shared by
 * the C servers: every request on a connection (keep-alive) gets the same
 * 13-byte answer.  The system under test only decides how connections are
 * served: a thread per connection in each of them.
 */
#ifndef TMM_BENCH_HTTP_H
#define TMM_BENCH_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "bench.h"

#define HTTP_ANSWER                                                                                \
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world\n"

/* A listening socket on 127.0.0.1:port (loopback only). */
static inline int http_listen(int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		bench_die("socket: %s", strerror(errno));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 1024))
		bench_die("bind/listen 127.0.0.1:%d: %s", port, strerror(errno));
	return fd;
}

/*
 * Counts the requests completed in buf[0..*len) (each ends with an empty
 * line) and keeps the unfinished tail at the front of buf.
 */
static inline int http_take_requests(char *buf, size_t *len)
{
	int n = 0;
	char *p = buf, *end;

	while ((end = memmem(p, *len - (size_t)(p - buf), "\r\n\r\n", 4))) {
		n++;
		p = end + 4;
	}
	*len -= (size_t)(p - buf);
	memmove(buf, p, *len);
	return n;
}

#endif /* TMM_BENCH_HTTP_H */
