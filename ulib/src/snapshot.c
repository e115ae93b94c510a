/*
 * snapshot.c — the writer of the user-level snapshot (tmm_snapshot.h).
 *
 * Why the file is mapped at an address reserved up front: the runtime keeps
 * pointers to its records and updates them on every switch with plain
 * stores, so records must never move.  tmm_snapshot_init reserves a large
 * range of address space (PROT_NONE, no memory behind it) and maps the
 * memfd at its start; growing the thread table extends the file and maps
 * the new part right after the old one.  Tables are laid out so that only
 * the last one, the thread table, ever grows:
 *
 *   0                 header (one page)
 *   kthreads_offset   kernel-thread table, fixed capacity chosen from the
 *                     model (1:1 gets room for many; holes cost no memory)
 *   threads_offset    thread table, doubled when full
 *
 * Free records have id (tid) 0; the indices of free records are kept in a
 * private stack so that allocation is O(1).  Adding and removing take a
 * mutex (they are rare next to switches); switches take nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "kmod_label.h"
#include "snapshot.h"

#define SNAP_PAGE 4096u
/* Address space reserved for the whole snapshot: 16M threads' worth. */
#define SNAP_RESERVE (1ull << 30)
#define SNAP_THREADS_INITIAL 64u
/* 1:1 has one kernel thread per tmm thread; beyond this many, unpublished. */
#define SNAP_1TO1_KTHREADS 16384u
/*
 * User-level models: kernel-thread records handed out every third slot, so
 * no two share a cache line (a record is 56 bytes, a gap of two 112).  Each
 * worker stores its switch count into its own on every switch; side by side
 * they made two workers' switches fight over one line.
 */
#define SNAP_KTHREAD_STRIDE 3u

struct free_stack {
	uint32_t *index;
	uint32_t count;
	uint32_t size;
};

static struct {
	pthread_mutex_t lock;
	int fd;
	char *base; /* NULL while the snapshot is off */
	struct tmm_snap_header *header;
	struct free_stack free_kthreads;
	struct free_stack free_threads;
} snap = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1};

static __thread struct tmm_snap_kthread *kthread_self;
static int labels_on;

/*
 * The address range the snapshot lives in, reserved once per process and
 * kept: a thread that outlives tmm_fini (a 1:1 daemon) may still store into
 * its record, so that memory must stay writable (see release_mapping).
 */
static char *reserved;

static uint64_t round_up(uint64_t n, uint64_t to)
{
	return (n + to - 1) / to * to;
}

static int push_free(struct free_stack *s, uint32_t index)
{
	if (s->count == s->size) {
		uint32_t size = s->size ? s->size * 2 : 64;
		uint32_t *grown = realloc(s->index, size * sizeof(*grown));

		if (!grown)
			return ENOMEM;
		s->index = grown;
		s->size = size;
	}
	s->index[s->count++] = index;
	return 0;
}

/* Pushes first, first + stride, ... below end so that the lowest is handed out first. */
static int push_free_strided(struct free_stack *s, uint32_t first, uint32_t end, uint32_t stride)
{
	uint32_t n = end > first ? (end - first + stride - 1) / stride : 0;

	for (uint32_t i = n; i > 0; i--)
		if (push_free(s, first + (i - 1) * stride))
			return ENOMEM;
	return 0;
}

static int push_free_range(struct free_stack *s, uint32_t first, uint32_t end)
{
	return push_free_strided(s, first, end, 1);
}

static struct tmm_snap_thread *thread_table(void)
{
	return (struct tmm_snap_thread *)(snap.base + snap.header->threads_offset);
}

static struct tmm_snap_kthread *kthread_table(void)
{
	return (struct tmm_snap_kthread *)(snap.base + snap.header->kthreads_offset);
}

/* Extends the file to @size and maps the new part after the old one. */
static int extend_to(uint64_t old_size, uint64_t size)
{
	if (size > SNAP_RESERVE)
		return ENOSPC;
	if (ftruncate(snap.fd, size) < 0)
		return errno;
	if (mmap(snap.base + old_size, size - old_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, snap.fd, old_size) == MAP_FAILED)
		return errno;
	return 0;
}

/* Doubles the thread table; readers see an odd generation meanwhile. */
static int grow_threads(void)
{
	struct tmm_snap_header *h = snap.header;
	uint32_t old_cap = h->thread_capacity, cap = old_cap * 2;
	uint64_t size =
	    round_up(h->threads_offset + (uint64_t)cap * sizeof(struct tmm_snap_thread), SNAP_PAGE);
	int err;

	__atomic_store_n(&h->generation, h->generation + 1, __ATOMIC_RELEASE);
	err = extend_to(h->total_size, size);
	if (!err)
		err = push_free_range(&snap.free_threads, old_cap, cap);
	if (!err) {
		h->thread_capacity = cap;
		h->total_size = size;
	}
	__atomic_store_n(&h->generation, h->generation + 1, __ATOMIC_RELEASE);
	return err;
}

static void fill_header(struct tmm_snap_header *h, enum tmm_model model, unsigned int kmax,
			uint32_t kcap, uint64_t threads_offset, uint64_t size)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	h->version = TMM_SNAP_VERSION;
	h->header_size = sizeof(*h);
	h->kthread_size = sizeof(struct tmm_snap_kthread);
	h->thread_size = sizeof(struct tmm_snap_thread);
	h->kthread_capacity = kcap;
	h->thread_capacity = SNAP_THREADS_INITIAL;
	h->kthreads_offset = SNAP_PAGE;
	h->threads_offset = threads_offset;
	h->total_size = size;
	h->pid = getpid();
	h->model = model;
	h->kthreads_max = kmax;
	h->start_ns = (uint64_t)now.tv_sec * 1000000000u + now.tv_nsec;
	/* The magic last: a reader never trusts a half-written header. */
	__atomic_store_n(&h->magic, TMM_SNAP_MAGIC, __ATOMIC_RELEASE);
}

/* A child of fork() must not write into its parent's snapshot. */
static void detach_after_fork(void)
{
	if (!snap.base)
		return;
	mmap(snap.base, snap.header->total_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
	     snap.fd, 0);
	close(snap.fd);
	snap.fd = -1;
	snap.base = NULL;
	pthread_mutex_init(&snap.lock, NULL);
}

static int map_snapshot(enum tmm_model model, unsigned int kthreads_max)
{
	uint32_t kstride = model == TMM_1TO1 ? 1 : SNAP_KTHREAD_STRIDE;
	uint32_t kcap = model == TMM_1TO1 ? SNAP_1TO1_KTHREADS : (kthreads_max * 2 + 16) * kstride;
	uint64_t threads_offset =
	    round_up(SNAP_PAGE + (uint64_t)kcap * sizeof(struct tmm_snap_kthread), SNAP_PAGE);
	uint64_t size = round_up(
	    threads_offset + SNAP_THREADS_INITIAL * sizeof(struct tmm_snap_thread), SNAP_PAGE);
	int err;

	if (!reserved) {
		void *base = mmap(NULL, SNAP_RESERVE, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (base == MAP_FAILED)
			return errno;
		reserved = base;
	}
	snap.fd = memfd_create(TMM_SNAP_MEMFD_NAME, MFD_CLOEXEC);
	if (snap.fd < 0)
		return errno;
	snap.base = reserved;
	err = extend_to(0, size);
	if (!err)
		err = push_free_strided(&snap.free_kthreads, 0, kcap, kstride);
	if (!err)
		err = push_free_range(&snap.free_threads, 0, SNAP_THREADS_INITIAL);
	if (err)
		return err;
	snap.header = (struct tmm_snap_header *)snap.base;
	fill_header(snap.header, model, kthreads_max, kcap, threads_offset, size);
	return 0;
}

/*
 * Swaps the file for anonymous memory at the same addresses: the memfd goes
 * (tmmstat no longer finds a snapshot) but late stores land harmlessly.
 */
static void release_mapping(void)
{
	uint64_t size = snap.header ? snap.header->total_size : 0;

	if (size &&
	    mmap(snap.base, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		munmap(snap.base, size);
}

static void unmap_snapshot(void)
{
	pthread_mutex_lock(&snap.lock);
	if (snap.base)
		release_mapping();
	if (snap.fd >= 0)
		close(snap.fd);
	snap.base = NULL;
	snap.header = NULL;
	snap.fd = -1;
	free(snap.free_kthreads.index);
	free(snap.free_threads.index);
	memset(&snap.free_kthreads, 0, sizeof(snap.free_kthreads));
	memset(&snap.free_threads, 0, sizeof(snap.free_threads));
	pthread_mutex_unlock(&snap.lock);
	kthread_self = NULL;
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, detach_after_fork);
}

int tmm_snapshot_init(enum tmm_model model, unsigned int kthreads_max)
{
	static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
	int err;

	if (model < TMM_M1 || model > TMM_MN)
		return EINVAL;
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&snap.lock);
	if (snap.base) {
		pthread_mutex_unlock(&snap.lock);
		return EBUSY;
	}
	err = map_snapshot(model, kthreads_max);
	pthread_mutex_unlock(&snap.lock);
	if (err)
		unmap_snapshot();
	/* Labels need no memfd: tmmstat's kernel view shows them all the same. */
	labels_on = 1;
	return err;
}

void tmm_snapshot_fini(void)
{
	unmap_snapshot();
	labels_on = 0;
}

int tmm_snapshot_enabled(void)
{
	return __atomic_load_n(&snap.base, __ATOMIC_RELAXED) != NULL;
}

static const char *role_name(enum tmm_snap_role role)
{
	switch (role) {
	case TMM_ROLE_MAIN:
		return "main";
	case TMM_ROLE_WORKER:
		return "worker";
	case TMM_ROLE_SPARE:
		return "spare";
	case TMM_ROLE_MONITOR:
		return "monitor";
	case TMM_ROLE_THREAD:
		return "thread";
	}
	return "kthread";
}

/* "tmm-main", "tmm-worker-0", "tmm-monitor", ...: what tmmstat shows. */
static void format_label(char *label, size_t size, enum tmm_snap_role role, unsigned int index)
{
	if (role == TMM_ROLE_MAIN || role == TMM_ROLE_MONITOR)
		snprintf(label, size, "tmm-%s", role_name(role));
	else
		snprintf(label, size, "tmm-%s-%u", role_name(role), index);
}

struct tmm_snap_kthread *tmm_snapshot_kthread_add(pid_t tid, enum tmm_snap_role role,
						  unsigned int index)
{
	struct tmm_snap_kthread *k = NULL;
	char label[TMM_SNAP_NAME_LEN];

	if (tid <= 0 || role < TMM_ROLE_MAIN || role > TMM_ROLE_THREAD)
		return NULL;
	format_label(label, sizeof(label), role, index);
	if (labels_on)
		tmm_kmod_label(tid, label);
	pthread_mutex_lock(&snap.lock);
	if (snap.base && snap.free_kthreads.count) {
		k = &kthread_table()[snap.free_kthreads.index[--snap.free_kthreads.count]];
		memset(k, 0, sizeof(*k));
		k->role = role;
		k->index = index;
		memcpy(k->label, label, sizeof(label));
		__atomic_store_n(&k->tid, tid, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&snap.lock);
	kthread_self = k;
	return k;
}

void tmm_snapshot_kthread_remove(struct tmm_snap_kthread *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&snap.lock);
	if (snap.base) {
		__atomic_store_n(&k->tid, 0, __ATOMIC_RELEASE);
		push_free(&snap.free_kthreads, k - kthread_table());
	}
	pthread_mutex_unlock(&snap.lock);
	if (kthread_self == k)
		kthread_self = NULL;
}

struct tmm_snap_kthread *tmm_snapshot_kthread_self(void)
{
	return kthread_self;
}

struct tmm_snap_thread *tmm_snapshot_thread_add(uint64_t id, const char *name)
{
	struct tmm_snap_thread *t = NULL;

	if (id == 0)
		return NULL;
	pthread_mutex_lock(&snap.lock);
	if (snap.base && (snap.free_threads.count || grow_threads() == 0) &&
	    snap.free_threads.count) {
		t = &thread_table()[snap.free_threads.index[--snap.free_threads.count]];
		memset(t, 0, sizeof(*t));
		t->state = TMM_NEW;
		if (name)
			strncpy(t->name, name, sizeof(t->name) - 1);
		__atomic_store_n(&t->id, id, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&snap.lock);
	return t;
}

void tmm_snapshot_thread_remove(struct tmm_snap_thread *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&snap.lock);
	if (snap.base) {
		__atomic_store_n(&t->id, 0, __ATOMIC_RELEASE);
		push_free(&snap.free_threads, t - thread_table());
	}
	pthread_mutex_unlock(&snap.lock);
}
