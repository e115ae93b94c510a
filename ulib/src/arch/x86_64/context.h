/*
 * context.h (x86-64) — the initial frame of a fresh context.
 *
 * tmm_ctx_switch (switch.S) pops, from low to high addresses: the MXCSR and
 * x87 control word (8 bytes), r15, r14, r13, r12, rbx, rbp and the return
 * address.  A fresh context gets defaults for the control words, the entry
 * function in r12, its argument in rbx, a zero rbp (ends backtraces) and
 * tmm_ctx_trampoline as return address, which calls entry(arg) with the
 * stack 16-byte aligned as the ABI requires.
 */
#ifndef TMM_ARCH_CONTEXT_H
#define TMM_ARCH_CONTEXT_H

#include <stdint.h>

#define TMM_ARCH_MXCSR_DEFAULT 0x1f80u
#define TMM_ARCH_FPUCW_DEFAULT 0x037fu

void tmm_ctx_trampoline(void);

static inline void *tmm_arch_ctx_prepare(void *stack_top, void (*entry)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)((uintptr_t)stack_top & ~(uintptr_t)15);

	/* 8 slots popped by the switch, 2 more so the trampoline's call is aligned. */
	sp -= 10;
	sp[0] = TMM_ARCH_MXCSR_DEFAULT | ((uint64_t)TMM_ARCH_FPUCW_DEFAULT << 32);
	sp[1] = 0;			    /* r15 */
	sp[2] = 0;			    /* r14 */
	sp[3] = 0;			    /* r13 */
	sp[4] = (uint64_t)(uintptr_t)entry; /* r12 */
	sp[5] = (uint64_t)(uintptr_t)arg;   /* rbx */
	sp[6] = 0;			    /* rbp */
	sp[7] = (uint64_t)(uintptr_t)tmm_ctx_trampoline;
	sp[8] = 0;
	sp[9] = 0;
	return sp;
}

#endif /* TMM_ARCH_CONTEXT_H */
