/*
 * snapshot.c — find, copy and check a tmm process's user-level snapshot.
 *
 * The snapshot is written by another process, perhaps a buggy or hostile
 * one: nothing in it is trusted until snapshot_check() has compared every
 * size, offset and count with the bytes actually read, and names are used
 * only up to their fixed length.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot.h"

/* Upper bound on what we copy: 1M threads of 72 bytes and change. */
#define SNAPSHOT_MAX_SIZE (256u << 20)

static int fits(uint64_t offset, uint64_t count, uint64_t size, uint64_t total)
{
	if (offset > total)
		return 0;
	if (size && count > (total - offset) / size)
		return 0;
	return 1;
}

int snapshot_check(const void *buf, size_t size, struct snapshot *s, const char **why)
{
	const struct tmm_snap_header *h = buf;

	*why = NULL;
	if (size < sizeof(*h) || ((uintptr_t)buf & 7))
		return *why = "shorter than its header", -1;
	if (h->magic != TMM_SNAP_MAGIC)
		return *why = "bad magic number", -1;
	if (h->version != TMM_SNAP_VERSION)
		return *why = "unsupported version", -1;
	if (h->header_size != sizeof(*h) || h->kthread_size != sizeof(struct tmm_snap_kthread) ||
	    h->thread_size != sizeof(struct tmm_snap_thread))
		return *why = "record sizes do not match this tmmstat", -1;
	if (h->total_size > size)
		return *why = "truncated: shorter than its stated size", -1;
	if (h->kthreads_offset % 8 || h->threads_offset % 8)
		return *why = "misaligned table", -1;
	if (h->kthreads_offset < sizeof(*h) || h->threads_offset < sizeof(*h))
		return *why = "table overlaps the header", -1;
	if (!fits(h->kthreads_offset, h->kthread_capacity, h->kthread_size, h->total_size) ||
	    !fits(h->threads_offset, h->thread_capacity, h->thread_size, h->total_size))
		return *why = "table runs past the end", -1;
	if (h->model < 1 || h->model > 3)
		return *why = "unknown model", -1;
	s->buf = (void *)buf;
	s->size = size;
	s->header = h;
	s->kthreads = (const void *)((const char *)buf + h->kthreads_offset);
	s->threads = (const void *)((const char *)buf + h->threads_offset);
	return 0;
}

/* Opens the memfd named TMM_SNAP_MEMFD_NAME among pid's descriptors. */
static int open_snapshot_fd(pid_t pid, int *fd_out)
{
	char path[300], link[256], want[64];
	struct dirent *d;
	DIR *dir;
	int err = ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir) {
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		return stat(path, &st) == 0 ? EACCES : ESRCH;
	}
	snprintf(want, sizeof(want), "/memfd:%s", TMM_SNAP_MEMFD_NAME);
	while ((d = readdir(dir))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, want, strlen(want)) != 0)
			continue;
		*fd_out = open(path, O_RDONLY | O_CLOEXEC);
		err = *fd_out < 0 ? errno : 0;
		break;
	}
	closedir(dir);
	return err;
}

/* Reads the whole file at fd into a fresh buffer. */
static int read_all(int fd, void **buf_out, size_t *size_out)
{
	struct stat st;
	size_t done = 0;
	void *buf;

	if (fstat(fd, &st) < 0)
		return errno;
	if (st.st_size <= 0 || (uint64_t)st.st_size > SNAPSHOT_MAX_SIZE)
		return EPROTO;
	if (posix_memalign(&buf, 8, st.st_size))
		return ENOMEM;
	while (done < (size_t)st.st_size) {
		ssize_t n = pread(fd, (char *)buf + done, st.st_size - done, done);

		if (n <= 0)
			break;
		done += n;
	}
	*buf_out = buf;
	*size_out = done;
	return 0;
}

/* The writer's generation counter as it is now, for a torn-copy check. */
static uint64_t generation_now(int fd)
{
	uint64_t gen = 1;

	if (pread(fd, &gen, sizeof(gen), offsetof(struct tmm_snap_header, generation)) !=
	    (ssize_t)sizeof(gen))
		return 1;
	return gen;
}

int snapshot_read(pid_t pid, struct snapshot *s, const char **why)
{
	int fd, err, attempt;

	*why = NULL;
	err = open_snapshot_fd(pid, &fd);
	if (err)
		return err;
	/* The writer reorganises its tables rarely; a torn copy is retried. */
	for (attempt = 0; attempt < 10; attempt++) {
		void *buf = NULL;
		size_t size = 0;
		uint64_t gen;

		err = read_all(fd, &buf, &size);
		if (err)
			break;
		if (snapshot_check(buf, size, s, why) < 0) {
			free(buf);
			err = EPROTO;
			if (attempt < 2)
				continue;
			break;
		}
		gen = s->header->generation;
		if (!(gen & 1) && generation_now(fd) == gen) {
			close(fd);
			return 0;
		}
		free(buf);
		err = EPROTO;
		*why = "the writer kept changing its tables";
		usleep(1000);
	}
	close(fd);
	return err;
}

void snapshot_free(struct snapshot *s)
{
	free(s->buf);
	s->buf = NULL;
}
