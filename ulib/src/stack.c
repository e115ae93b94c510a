/* stack.c — slabs of guarded stacks and a cache of free ones (see stack.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spin.h"
#include "stack.h"

#if TMM_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

#define SLAB_SLOTS 64

/* One list of free stacks per usable size. */
struct size_class {
	size_t size;
	struct tmm_stack *free;
	struct size_class *next;
};

struct slab {
	void *base;
	size_t len;
	struct tmm_stack *slots;
	struct slab *next;
};

static struct tmm_spin stacks_lock;
static struct size_class *classes;
static struct slab *slabs;
static int guards_split; /* 1 once MADV_GUARD_INSTALL was refused */

/*
 * The stacks last freed on this kernel thread (up to HOT_MAX, newest first),
 * handed to the next threads it starts without the lock: a create+join loop
 * runs on one hot stack, and fork-join on two kernel threads, where threads
 * end on another kernel thread than the one that made them, does not meet
 * on the lock at every create.  A few per kernel thread, so memory per
 * thread does not grow.  Stacks kept from before tmm_stacks_fini (whose
 * slabs are gone) are told by their epoch and forgotten.
 */
#define HOT_MAX 16

static __thread struct {
	struct tmm_stack *stack;
	unsigned int count;
	unsigned long epoch;
} hot __attribute__((tls_model("initial-exec")));
static unsigned long stacks_epoch = 1; /* bumped by tmm_stacks_fini */

size_t tmm_page_size(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

int tmm_stack_guards_split(void)
{
	return guards_split;
}

static int install_guard(void *page)
{
	if (!guards_split && madvise(page, tmm_page_size(), MADV_GUARD_INSTALL) == 0)
		return 0;
	guards_split = 1;
	return mprotect(page, tmm_page_size(), PROT_NONE) ? errno : 0;
}

static struct size_class *class_for(size_t size)
{
	struct size_class *c;

	for (c = classes; c; c = c->next)
		if (c->size == size)
			return c;
	c = calloc(1, sizeof(*c));
	if (c) {
		c->size = size;
		c->next = classes;
		classes = c;
	}
	return c;
}

/* Maps a slab of stacks of @size and puts its slots on @c's free list. */
static int slab_grow(struct size_class *c)
{
	size_t page = tmm_page_size(), slot = c->size + page;
	struct slab *s = calloc(1, sizeof(*s));
	int i, err;

	if (!s)
		return ENOMEM;
	s->slots = calloc(SLAB_SLOTS, sizeof(*s->slots));
	s->len = slot * SLAB_SLOTS;
	s->base = mmap(0, s->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!s->slots || s->base == MAP_FAILED) {
		err = s->base == MAP_FAILED ? errno : ENOMEM;
		if (s->base != MAP_FAILED)
			munmap(s->base, s->len);
		free(s->slots);
		free(s);
		return err == ENOMEM ? ENOMEM : EAGAIN;
	}
	for (i = 0; i < SLAB_SLOTS; i++) {
		char *guard = (char *)s->base + (size_t)i * slot;

		err = install_guard(guard);
		if (err) {
			munmap(s->base, s->len);
			free(s->slots);
			free(s);
			return EAGAIN; /* out of mappings: vm.max_map_count */
		}
		s->slots[i].lo = guard + page;
		s->slots[i].size = c->size;
		s->slots[i].next = c->free;
		c->free = &s->slots[i];
	}
	s->next = slabs;
	slabs = s;
	return 0;
}

/* This kernel thread's hot stack if it has @size usable bytes, else NULL. */
static struct tmm_stack *hot_take(size_t size)
{
	struct tmm_stack *st = hot.stack;

	if (!st || hot.epoch != __atomic_load_n(&stacks_epoch, __ATOMIC_RELAXED) ||
	    st->size != size)
		return 0;
	hot.stack = st->next;
	hot.count--;
	st->next = 0;
	return st;
}

/* Out of line: the hot-stack path of tmm_stack_get then saves no registers. */
__attribute__((noinline)) static struct tmm_stack *cache_take(size_t size, int *err)
{
	struct size_class *c;
	struct tmm_stack *st = 0;

	tmm_spin_lock(&stacks_lock);
	c = class_for(size);
	if (!c)
		*err = ENOMEM;
	else if (!c->free)
		*err = slab_grow(c);
	if (!*err) {
		st = c->free;
		c->free = st->next;
		st->next = 0;
	}
	tmm_spin_unlock(&stacks_lock);
	return st;
}

struct tmm_stack *tmm_stack_get(size_t size, int *err)
{
	size_t page = tmm_page_size();
	size_t rounded = (size + page - 1) & ~(page - 1);
	struct tmm_stack *st;

	*err = 0;
	st = hot_take(rounded);
	if (!st)
		st = cache_take(rounded, err);
	if (!st)
		return 0;
	st->asked = size;
#if TMM_ASAN
	/* A reused stack may still carry the poison of its last thread's frames. */
	ASAN_UNPOISON_MEMORY_REGION(st->lo, st->size);
#endif
	return st;
}

void tmm_stack_put(struct tmm_stack *s)
{
	unsigned long epoch = __atomic_load_n(&stacks_epoch, __ATOMIC_RELAXED);
	struct size_class *c;

	if (hot.epoch != epoch) {
		hot.stack = 0;
		hot.count = 0;
		hot.epoch = epoch;
	}
	if (hot.count < HOT_MAX) {
		s->next = hot.stack;
		hot.stack = s;
		hot.count++;
		return;
	}
	tmm_spin_lock(&stacks_lock);
	c = class_for(s->size); /* exists: s came from it */
	s->next = c->free;
	c->free = s;
	tmm_spin_unlock(&stacks_lock);
}

void tmm_stacks_fini(void)
{
	tmm_spin_lock(&stacks_lock);
	/* Hot stacks kept by kernel threads are in the slabs unmapped here. */
	__atomic_store_n(&stacks_epoch, stacks_epoch + 1, __ATOMIC_RELAXED);
	hot.stack = 0;
	hot.count = 0;
	while (slabs) {
		struct slab *s = slabs;

		slabs = s->next;
		munmap(s->base, s->len);
		free(s->slots);
		free(s);
	}
	while (classes) {
		struct size_class *c = classes;

		classes = c->next;
		free(c);
	}
	tmm_spin_unlock(&stacks_lock);
}
