/*
 * membarrier.h — an asymmetric fence: the rare side of a handshake pays a
 * system call so that the frequent side needs no fence at all.
 *
 * The frequent side stores a flag and reads another with only a compiler
 * barrier between them; x86 may let the read pass the store.  The rare side
 * stores its own flag, calls tmm_membarrier, then reads the first flag:
 * membarrier makes every other running thread of the process execute a full
 * memory barrier (an interrupt), and a thread that is not running passes one
 * when it is switched in.  So either the rare side sees the frequent side's
 * flag, or the frequent side sees the rare side's (Dekker's handshake, with
 * the fence moved to one side, as in liburcu and Folly's asymmetric barrier).
 */
#ifndef TMM_MEMBARRIER_H
#define TMM_MEMBARRIER_H

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Whether the process may use tmm_membarrier (Linux 4.14 on; a sandbox may refuse it). */
static inline int tmm_membarrier_register(void)
{
	return !syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0);
}

/* A full memory barrier on every running thread of the process; registered first. */
static inline void tmm_membarrier(void)
{
	syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

#endif /* TMM_MEMBARRIER_H */
