/*
 * tmm_io.h — I/O that parks the tmm thread, not the kernel thread.
 *
 * Each call has the signature and errno convention of its libc namesake
 * (returns -1 and sets errno).  Under M:1 and M:N the descriptor is put in
 * non-blocking mode, the call is tried, and on EAGAIN the calling tmm thread
 * parks on the runtime's epoll poller until the descriptor is ready, so its
 * kernel thread runs other tmm threads meanwhile.  Under 1:1 they call the
 * kernel directly (the *_timeout variants poll() first).
 *
 * The *_timeout variants take a relative timeout in nanoseconds and fail
 * with ETIMEDOUT when it passes first.  tmm_poll's timeout is in
 * milliseconds, as poll()'s; tmm_poll_timeout's in nanoseconds.
 *
 * A descriptor closed with tmm_close() while tmm threads wait on it wakes
 * them with EBADF.  Regular files cannot be polled: reading them takes the
 * blocking path (M:N hands the worker's queue to another kernel thread; M:1
 * blocks every thread).  Documentation/ulib/io.md has the details.
 */
#ifndef TMM_IO_H
#define TMM_IO_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

ssize_t tmm_read(int fd, void *buf, size_t count);
ssize_t tmm_write(int fd, const void *buf, size_t count);
ssize_t tmm_readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t tmm_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t tmm_recv(int fd, void *buf, size_t len, int flags);
ssize_t tmm_send(int fd, const void *buf, size_t len, int flags);
ssize_t tmm_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src,
		     socklen_t *srclen);
ssize_t tmm_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dst,
		   socklen_t dstlen);
int tmm_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
int tmm_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
int tmm_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
int tmm_close(int fd);

ssize_t tmm_read_timeout(int fd, void *buf, size_t count, uint64_t timeout_ns);
ssize_t tmm_write_timeout(int fd, const void *buf, size_t count, uint64_t timeout_ns);
ssize_t tmm_readv_timeout(int fd, const struct iovec *iov, int iovcnt, uint64_t timeout_ns);
ssize_t tmm_writev_timeout(int fd, const struct iovec *iov, int iovcnt, uint64_t timeout_ns);
ssize_t tmm_recv_timeout(int fd, void *buf, size_t len, int flags, uint64_t timeout_ns);
ssize_t tmm_send_timeout(int fd, const void *buf, size_t len, int flags, uint64_t timeout_ns);
ssize_t tmm_recvfrom_timeout(int fd, void *buf, size_t len, int flags, struct sockaddr *src,
			     socklen_t *srclen, uint64_t timeout_ns);
ssize_t tmm_sendto_timeout(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *dst, socklen_t dstlen, uint64_t timeout_ns);
int tmm_accept_timeout(int fd, struct sockaddr *addr, socklen_t *addrlen, uint64_t timeout_ns);
int tmm_connect_timeout(int fd, const struct sockaddr *addr, socklen_t addrlen,
			uint64_t timeout_ns);
int tmm_poll_timeout(struct pollfd *fds, nfds_t nfds, uint64_t timeout_ns);

/*
 * errno, looked up afresh at every use.  Under M:N a tmm thread may resume
 * on another kernel thread after any call that waits; glibc's errno is per
 * kernel thread, and because __errno_location() is declared const the
 * compiler may reuse an address it computed before the call, reading
 * another kernel thread's errno.  Files that include this header read errno
 * through tmm_errno_location(), which is never cached; define
 * TMM_KEEP_LIBC_ERRNO before including it to keep libc's definition.
 */
int *tmm_errno_location(void);
#ifndef TMM_KEEP_LIBC_ERRNO
#undef errno
#define errno (*tmm_errno_location())
#endif

#ifdef __cplusplus
}
#endif
#endif /* TMM_IO_H */
