/* util.c — error lines, argument checks and the thread list. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tmmstat.h"

void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("tmmstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tmmstat%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'tmmstat %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int parse_pid(const char *cmd, const char *text, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v <= 0 || v > 0x3fffffff)
		return usage_error(cmd, "'%s' is not a process id", text);
	*pid = (pid_t)v;
	return 0;
}

int thread_list_add(struct thread_list *l, const struct thread_stats *t)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct thread_stats *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *t;
	return 0;
}

void thread_list_free(struct thread_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
