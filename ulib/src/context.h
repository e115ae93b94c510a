/*
 * context.h — a saved execution context (a stack and the registers on it)
 * and the switch between two of them, told to ASan when it watches.
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
	void *asan_fake; /* ASan's fake stack while the context is switched out */
};

void tmm_ctx_switch(void **save_sp, void *new_sp);
void tmm_ctx_switch_then(void **save_sp, void *new_sp, void (*then)(void *), void *arg);

static inline void tmm_ctx_init(struct tmm_ctx *ctx, void *lo, size_t size, void (*entry)(void *),
				void *arg)
{
	ctx->stack_lo = lo;
	ctx->stack_size = size;
	ctx->asan_fake = 0;
	ctx->sp = tmm_arch_ctx_prepare((char *)lo + size, entry, arg);
}

/* Told to ASan before a switch from @from to @to; @from_dies: never resumed. */
static inline void tmm_ctx_start_switch(struct tmm_ctx *from, struct tmm_ctx *to, int from_dies)
{
#if TMM_ASAN
	__sanitizer_start_switch_fiber(from_dies ? 0 : &from->asan_fake, to->stack_lo,
				       to->stack_size);
#else
	(void)from, (void)to, (void)from_dies;
#endif
}

/*
 * Saves the running context in @from and resumes @to.  What @from does
 * once resumed is up to whoever resumes it: tmm_ctx_resumed() at least,
 * from the code that follows this call or from a tmm_ctx_leave_then() hook.
 * @from_dies: the running context will never be resumed (ASan may drop its
 * fake stack).
 */
static inline void tmm_ctx_leave(struct tmm_ctx *from, struct tmm_ctx *to, int from_dies)
{
	tmm_ctx_start_switch(from, to, from_dies);
	tmm_ctx_switch(&from->sp, to->sp);
}

/*
 * tmm_ctx_leave, then @then(@arg) runs on @to's stack before @to goes on
 * from where it left (tmm_ctx_switch_then).
 */
static inline void tmm_ctx_leave_then(struct tmm_ctx *from, struct tmm_ctx *to, int from_dies,
				      void (*then)(void *), void *arg)
{
	tmm_ctx_start_switch(from, to, from_dies);
	tmm_ctx_switch_then(&from->sp, to->sp, then, arg);
}

/* First thing a resumed context does: tell ASan the switch into @ctx finished. */
static inline void tmm_ctx_resumed(struct tmm_ctx *ctx)
{
#if TMM_ASAN
	__sanitizer_finish_switch_fiber(ctx->asan_fake, 0, 0);
#else
	(void)ctx;
#endif
}

#endif /* TMM_CONTEXT_H */
