/*
 * switch.S — the x86-64 context switch: registers only, no kernel entry.
 *
 * void tmm_ctx_switch(void **save_sp, void *new_sp)
 *
 * Pushes what the System V ABI says a callee must preserve (rbx, rbp,
 * r12-r15, the MXCSR control bits and the x87 control word) on the current
 * stack, stores the stack pointer in *save_sp, loads new_sp and pops the same
 * frame from there.  Caller-saved registers need no saving: to the compiler
 * this is an ordinary call.  A fresh context is a frame built by
 * tmm_arch_ctx_prepare() (context.h) whose return address is
 * tmm_ctx_trampoline.
 *
 * void tmm_ctx_switch_then(void **save_sp, void *new_sp,
 *                          void (*then)(void *), void *arg)
 *
 * The same switch, then a jump to then(arg) on the new stack, with the
 * stack as a function finds it on entry: then() returns where the resumed
 * context's own switch would have (Boost.Context calls this "ontop").  So
 * what every resumption must do is done once, by the switch into it, and
 * the code that switches away needs nothing after the switch.
 */
	.text

/*
 * Saves the frame on the current stack into *%rdi, pops %rsi's.  The two
 * control words are loaded only where they differ from the ones in force
 * (just saved): ldmxcsr and fldcw cost more than the compares, and threads
 * seldom change them (about 8% of an M:1 yield).
 */
.macro SWITCH_STACKS
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)

	movl	(%rsp), %eax
	movw	4(%rsp), %r8w
	movq	%rsi, %rsp
	cmpl	(%rsp), %eax
	jne	1f
	cmpw	4(%rsp), %r8w
	je	2f
1:	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
2:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
.endm

	.globl	tmm_ctx_switch
	.hidden	tmm_ctx_switch
	.type	tmm_ctx_switch, @function
	.p2align 4
tmm_ctx_switch:
	SWITCH_STACKS
	ret
	.size	tmm_ctx_switch, .-tmm_ctx_switch

	.globl	tmm_ctx_switch_then
	.hidden	tmm_ctx_switch_then
	.type	tmm_ctx_switch_then, @function
	.p2align 4
tmm_ctx_switch_then:
	SWITCH_STACKS
	movq	%rcx, %rdi
	jmp	*%rdx
	.size	tmm_ctx_switch_then, .-tmm_ctx_switch_then

/*
 * First return of a fresh context lands here: r12 holds the entry function,
 * rbx its argument.  The entry never returns; ud2 traps if it does.
 */
	.globl	tmm_ctx_trampoline
	.hidden	tmm_ctx_trampoline
	.type	tmm_ctx_trampoline, @function
	.p2align 4
tmm_ctx_trampoline:
	movq	%rbx, %rdi
	callq	*%r12
	ud2
	.size	tmm_ctx_trampoline, .-tmm_ctx_trampoline

	.section .note.GNU-stack, "", @progbits
