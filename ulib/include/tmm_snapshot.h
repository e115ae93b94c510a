/*
 * tmm_snapshot.h — the user-level view a tmm process publishes for tools.
 *
 * A process running libtmm with TMM_STATS=1 keeps a small read-only snapshot of its
 * threads in a memfd named "tmm-snapshot": its model, its kernel threads
 * (tid, role) and, for every tmm thread, its name, state, the kernel thread
 * it last ran on, how often it was switched in and how long it ran.  A tool
 * finds it among /proc/PID/fd (which needs the same permission as ptrace
 * read access, like /proc/PID/fd itself) and maps it; no file is ever left
 * behind, whatever way the process ends.
 *
 * The writer updates records in place without locks; a reader copies the
 * whole snapshot, then checks it (tmm_snapshot_check in tmmstat) before
 * trusting any field: magic, version, sizes and every offset and count
 * against the size it actually read.  The generation counter is odd while
 * the thread table is being reorganised; readers retry a few times.
 *
 * Layout, all little-endian native integers:
 *
 *   struct tmm_snap_header
 *   struct tmm_snap_kthread  [kthread_capacity]  at kthreads_offset
 *   struct tmm_snap_thread   [thread_capacity]   at threads_offset
 */
#ifndef TMM_SNAPSHOT_H
#define TMM_SNAPSHOT_H

#include <stdint.h>

#define TMM_SNAP_MEMFD_NAME "tmm-snapshot"
#define TMM_SNAP_MAGIC 0x31504e534d4d5424ULL /* "$TMMSNP1" */
#define TMM_SNAP_VERSION 1
#define TMM_SNAP_NAME_LEN 32

/* What a kernel thread is for, as ulib labels it. */
enum tmm_snap_role {
	TMM_ROLE_MAIN = 1,    /* the thread that called tmm_init */
	TMM_ROLE_WORKER = 2,  /* runs tmm threads (M:1's single one, M:N's N) */
	TMM_ROLE_SPARE = 3,   /* M:N: stands in for a worker stuck in a syscall */
	TMM_ROLE_MONITOR = 4, /* M:N: watches for stuck workers */
	TMM_ROLE_THREAD = 5,  /* 1:1: the kernel thread of one tmm thread */
};

struct tmm_snap_header {
	uint64_t magic;		   /* TMM_SNAP_MAGIC */
	uint32_t version;	   /* TMM_SNAP_VERSION */
	uint32_t header_size;	   /* sizeof(struct tmm_snap_header) */
	uint32_t kthread_size;	   /* sizeof(struct tmm_snap_kthread) */
	uint32_t thread_size;	   /* sizeof(struct tmm_snap_thread) */
	uint32_t kthread_capacity; /* records at kthreads_offset */
	uint32_t thread_capacity;  /* records at threads_offset */
	uint64_t kthreads_offset;  /* from the start of the snapshot */
	uint64_t threads_offset;
	uint64_t total_size; /* bytes the writer made valid */
	uint64_t generation; /* odd while the tables are being changed */
	int32_t pid;
	uint32_t model;	       /* enum tmm_model */
	uint32_t kthreads_max; /* M:N: N; M:1: 1; 1:1: 0 (unbounded) */
	uint32_t pad;
	uint64_t start_ns; /* CLOCK_MONOTONIC at tmm_init */
};

struct tmm_snap_kthread {
	int32_t tid;	/* kernel thread id; 0: free record */
	uint32_t role;	/* enum tmm_snap_role */
	uint32_t index; /* worker number within its role */
	uint32_t pad;
	uint64_t switches; /* tmm threads switched in on it */
	char label[TMM_SNAP_NAME_LEN];
};

struct tmm_snap_thread {
	uint64_t id;	   /* tmm thread number (1: main); 0: free record */
	uint32_t state;	   /* enum tmm_state */
	int32_t ktid;	   /* kernel thread it runs on or last ran on; 0: never ran */
	uint64_t switches; /* times switched in */
	uint64_t run_ns;   /* time running, up to its last switch out */
	char name[TMM_SNAP_NAME_LEN];
};

#endif /* TMM_SNAPSHOT_H */
