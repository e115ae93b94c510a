/* snapshot.h — reading and checking a tmm process's user-level snapshot. */
#ifndef TMMSTAT_SNAPSHOT_H
#define TMMSTAT_SNAPSHOT_H

#include <stddef.h>
#include <sys/types.h>

#include "tmm_snapshot.h"

/* A checked private copy of a snapshot: every pointer is inside buf. */
struct snapshot {
	void *buf;
	size_t size;
	const struct tmm_snap_header *header;
	const struct tmm_snap_kthread *kthreads; /* header->kthread_capacity records */
	const struct tmm_snap_thread *threads;	 /* header->thread_capacity records */
};

/*
 * Checks size bytes at buf as a snapshot; fills s (without copying) when it
 * is sound.  Returns 0, or -1 with why (a static string) set.
 */
int snapshot_check(const void *buf, size_t size, struct snapshot *s, const char **why);

/*
 * Finds the snapshot of process pid and reads a consistent, checked copy.
 * Returns 0; ENOENT when pid is not a tmm process (no snapshot), ESRCH when
 * there is no such process, EACCES when it may not be read, EPROTO when
 * the snapshot is corrupt or of another version (why says what).
 */
int snapshot_read(pid_t pid, struct snapshot *s, const char **why);

void snapshot_free(struct snapshot *s);

#endif /* TMMSTAT_SNAPSHOT_H */
