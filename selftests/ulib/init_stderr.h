/*
 * init_stderr.h — tmm_init with stderr captured, for the tests of its
 * one-line error messages (bad TMM_MODEL, TMM_KTHREADS, TMM_STATS, ...).
 *
 * Include after tmm.h.
 */
#ifndef TMM_INIT_STDERR_H
#define TMM_INIT_STDERR_H

#include <stdio.h>
#include <unistd.h>

/* Runs tmm_init(cfg) with stderr captured; returns its result, *msg gets the text. */
static inline int init_capturing_stderr(const struct tmm_config *cfg, char *msg, size_t cap)
{
	int fds[2], saved, err;
	ssize_t n;

	if (pipe(fds))
		return -1;
	fflush(stderr);
	saved = dup(2);
	dup2(fds[1], 2);
	err = tmm_init(cfg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	n = read(fds[0], msg, cap - 1);
	msg[n > 0 ? n : 0] = 0;
	close(fds[0]);
	return err;
}

#endif /* TMM_INIT_STDERR_H */
