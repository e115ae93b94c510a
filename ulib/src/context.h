/*
 * context.h — a saved execution context (a stack and the registers on it)
 * and the one switch between two of them, told to ASan when it watches.
 *
 * The registers live on the context's own stack (arch/ARCH/switch.S), so a
 * context is a stack pointer plus the stack bounds ASan needs to follow a
 * switch (__sanitizer_start_switch_fiber / __sanitizer_finish_switch_fiber).
 */
#ifndef TMM_CONTEXT_H
#define TMM_CONTEXT_H

#include <stddef.h>

#if defined(__x86_64__)
#include "arch/x86_64/context.h"
#else
#error "tmm: no context switch for this architecture yet (see ulib/src/arch/)"
#endif

#if TMM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

struct tmm_ctx {
	void *sp;
	void *stack_lo; /* lowest usable address, for ASan */
	size_t stack_size;
};

void tmm_ctx_switch(void **save_sp, void *new_sp);

static inline void tmm_ctx_init(struct tmm_ctx *ctx, void *lo, size_t size, void (*entry)(void *),
				void *arg)
{
	ctx->stack_lo = lo;
	ctx->stack_size = size;
	ctx->sp = tmm_arch_ctx_prepare((char *)lo + size, entry, arg);
}

/*
 * Saves the running context in @from and resumes @to.  @from_dies: the
 * running context will never be resumed (ASan may drop its fake stack).
 */
static inline void tmm_ctx_swap(struct tmm_ctx *from, struct tmm_ctx *to, int from_dies)
{
#if TMM_ASAN
	void *fake = 0;

	__sanitizer_start_switch_fiber(from_dies ? 0 : &fake, to->stack_lo, to->stack_size);
	tmm_ctx_switch(&from->sp, to->sp);
	__sanitizer_finish_switch_fiber(fake, 0, 0);
#else
	(void)from_dies;
	tmm_ctx_switch(&from->sp, to->sp);
#endif
}

/* First thing a fresh context does: tell ASan the switch into it finished. */
static inline void tmm_ctx_entered(void)
{
#if TMM_ASAN
	__sanitizer_finish_switch_fiber(0, 0, 0);
#endif
}

#endif /* TMM_CONTEXT_H */
