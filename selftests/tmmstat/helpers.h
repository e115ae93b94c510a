/*
 * helpers.h — running tmmstat and the workloads from the VM tests.
 *
 * tmmstat runs as a separate program, exactly as a person would run it;
 * its stdout and stderr are captured in memfds and returned as strings.
 */
#ifndef TMM_SELFTEST_TMMSTAT_HELPERS_H
#define TMM_SELFTEST_TMMSTAT_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TMMSTAT "tmmstat"
#define NOBODY 65534

struct result {
	int status; /* exit code, or 128 + signal */
	char *out, *err;
};

struct background {
	pid_t pid;
	int out_fd, err_fd;
};

static inline char *read_memfd(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *s = malloc(size + 1);

	if (!s)
		return NULL;
	if (size > 0 && pread(fd, s, size, 0) != size)
		size = 0;
	s[size] = '\0';
	close(fd);
	return s;
}

static inline int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Starts argv (NULL-terminated), output captured; as nobody when @uid is NOBODY. */
static inline int start_bg(struct background *bg, char *const *argv, uid_t uid)
{
	bg->out_fd = memfd_create("out", MFD_CLOEXEC);
	bg->err_fd = memfd_create("err", MFD_CLOEXEC);
	bg->pid = fork();
	if (bg->pid < 0)
		return -1;
	if (bg->pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		dup2(null, 0);
		dup2(bg->out_fd, 1);
		dup2(bg->err_fd, 2);
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(99);
		execvp(argv[0], argv);
		_exit(98);
	}
	return 0;
}

static inline void finish_bg(struct background *bg, struct result *r)
{
	r->status = wait_status(bg->pid);
	r->out = read_memfd(bg->out_fd);
	r->err = read_memfd(bg->err_fd);
}

static inline void result_free(struct result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* Runs tmmstat with the arguments (NULL-terminated) as @uid (0: root). */
static inline void tmmstat_as(struct result *r, uid_t uid, ...)
{
	char *argv[32] = {TMMSTAT};
	struct background bg;
	va_list ap;
	int n = 1;

	va_start(ap, uid);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	memset(r, 0, sizeof(*r));
	if (start_bg(&bg, argv, uid)) {
		r->status = -1;
		return;
	}
	finish_bg(&bg, r);
}

#define tmmstat(r, ...) tmmstat_as(r, 0, __VA_ARGS__, NULL)

static inline int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static inline int count_of(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* A workload of workload.h: started with stdin and stdout on pipes. */
struct workload {
	pid_t pid;
	int to;	    /* its stdin */
	FILE *from; /* its stdout */
	char pidstr[16];
};

/*
 * Starts @prog with TMM_MODEL, TMM_KTHREADS and TMM_STATS set to the
 * values given (left as they are when NULL).  libtmm publishes its snapshot
 * (show --ult) and labels its kernel threads only with TMM_STATS=1.
 */
static inline int workload_start(struct workload *w, const char *prog, const char *model,
				 const char *kthreads, const char *stats)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (model)
			setenv("TMM_MODEL", model, 1);
		if (kthreads)
			setenv("TMM_KTHREADS", kthreads, 1);
		if (stats)
			setenv("TMM_STATS", stats, 1);
		execlp(prog, prog, "--hold", (char *)NULL);
		_exit(98);
	}
	close(in[0]);
	close(out[1]);
	w->to = in[1];
	w->from = fdopen(out[0], "r");
	snprintf(w->pidstr, sizeof(w->pidstr), "%d", (int)w->pid);
	return w->from ? 0 : -1;
}

/* Reads the workload's next line; 0 when it starts with @word. */
static inline int workload_expect(struct workload *w, const char *word)
{
	char line[128];

	if (!fgets(line, sizeof(line), w->from))
		return -1;
	return strncmp(line, word, strlen(word)) == 0 ? 0 : -1;
}

static inline int workload_go(struct workload *w)
{
	return write(w->to, "go\n", 3) == 3 ? 0 : -1;
}

/* Lets it end; returns its exit status. */
static inline int workload_finish(struct workload *w)
{
	int status;

	if (w->to >= 0)
		close(w->to);
	w->to = -1;
	status = wait_status(w->pid);
	if (w->from)
		fclose(w->from);
	w->from = NULL;
	return status;
}

#endif /* TMM_SELFTEST_TMMSTAT_HELPERS_H */
