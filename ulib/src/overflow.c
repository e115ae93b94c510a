/*
 * overflow.c — a readable report when a thread runs off its stack.
 *
 * Every stack has a guard page below it.  Touching it raises SIGSEGV, which
 * runs on an alternate signal stack (the faulting stack has no room left), so
 * every kernel thread that runs tmm threads gets one.  If the fault address
 * is in the running tmm thread's guard page, the handler writes
 *   tmm: thread NAME overflowed its N-byte stack
 * and aborts; any other fault goes to the handler that was there before
 * (the default, or ASan's).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

#define ALTSTACK_SIZE (64 * 1024)

static struct sigaction previous;
static int installed;

/* async-signal-safe: formats into buf, returns the length. */
static size_t format_report(char *buf, size_t cap, const char *name, size_t bytes)
{
	char digits[24];
	size_t n = 0, d = 0;

#define PUT(s)                                                                                     \
	do {                                                                                       \
		const char *p_ = (s);                                                              \
		while (*p_ && n < cap - 1)                                                         \
			buf[n++] = *p_++;                                                          \
	} while (0)
	PUT("tmm: thread ");
	PUT(name);
	PUT(" overflowed its ");
	do
		digits[d++] = (char)('0' + bytes % 10);
	while ((bytes /= 10) && d < sizeof(digits));
	while (d && n < cap - 1)
		buf[n++] = digits[--d];
	PUT("-byte stack\n");
#undef PUT
	buf[n] = 0;
	return n;
}

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
	struct tmm_thread *t = tmm_current();
	char *addr = info->si_addr;

	(void)uctx;
	if (t && addr >= t->guard_lo && addr < t->guard_hi) {
		char msg[TMM_NAME_MAX + 64], name[TMM_NAME_MAX];
		size_t n;

		/* Not tmm_thread_name: no lock in a signal handler. */
		if (__atomic_load_n(&t->named, __ATOMIC_ACQUIRE))
			memcpy(name, t->name, sizeof(name));
		else
			tmm_default_name(name, t->id);
		n = format_report(msg, sizeof(msg), name, t->stack_size);

		if (write(2, msg, n) < 0)
			_exit(127);
		abort();
	}
	/* Not ours: let the previous handler see the fault when it repeats. */
	sigaction(sig, &previous, 0);
}

int tmm_overflow_init(void)
{
	struct sigaction sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &previous))
		return errno;
	installed = 1;
	return 0;
}

void tmm_overflow_fini(void)
{
	if (installed)
		sigaction(SIGSEGV, &previous, 0);
	installed = 0;
}

/*
 * Gives the calling kernel thread an alternate signal stack unless it has
 * one (ASan sets up its own, and frees whatever is installed at thread exit).
 * Returns what tmm_altstack_remove() takes back, NULL when nothing.
 */
void *tmm_altstack_install(void)
{
	stack_t old, ss;

	if (sigaltstack(0, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return 0;
	ss.ss_sp = malloc(ALTSTACK_SIZE);
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (!ss.ss_sp || sigaltstack(&ss, 0)) {
		free(ss.ss_sp);
		return 0;
	}
	return ss.ss_sp;
}

void tmm_altstack_remove(void *altstack)
{
	stack_t ss = {.ss_flags = SS_DISABLE};

	if (!altstack)
		return;
	sigaltstack(&ss, 0);
	free(altstack);
}

pid_t tmm_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}
