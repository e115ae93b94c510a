/*
 * stack.h — stacks for user-level threads, each with a guard page below it.
 *
 * Stacks come in slabs: one mapping holds many [guard][stack] slots, and the
 * guards are installed with madvise(MADV_GUARD_INSTALL) (Linux >= 6.13), which
 * marks pages as faulting without splitting the mapping.  With mprotect
 * guards every stack would cost two VMAs and vm.max_map_count (65530 by
 * default) would cap a process near 32,000 threads; with guard markers a slab
 * of 64 stacks is one VMA.  Older kernels fall back to mprotect.  Freed stacks
 * go back to a per-size cache and are reused; slabs are unmapped at tmm_fini.
 * The last stack freed on each kernel thread stays aside for the next thread
 * that kernel thread starts: taken and given back without the cache's lock,
 * still warm in the cache of the CPU.
 */
#ifndef TMM_STACK_H
#define TMM_STACK_H

#include <stddef.h>

struct tmm_stack {
	void *lo;     /* lowest usable byte; the guard page is just below */
	size_t size;  /* usable bytes (a multiple of the page size) */
	size_t asked; /* what the thread asked for, for the overflow message */
	struct tmm_stack *next;
};

/* NULL with errno-style *err (ENOMEM, EAGAIN when out of mappings). */
struct tmm_stack *tmm_stack_get(size_t size, int *err);
void tmm_stack_put(struct tmm_stack *s);
void tmm_stacks_fini(void);
size_t tmm_page_size(void);
/* Whether guard pages split mappings (mprotect fallback); for documentation and tests. */
int tmm_stack_guards_split(void);

#endif /* TMM_STACK_H */
