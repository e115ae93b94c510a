/* terminal.c — see terminal.h. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "terminal.h"

static struct termios saved;
static int raw_active;
static volatile sig_atomic_t stop_requested;

void terminal_restore(void)
{
	if (raw_active) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		raw_active = 0;
	}
}

int terminal_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return 0;
	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
		return 0;
	raw_active = 1;
	atexit(terminal_restore);
	return 1;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void terminal_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int terminal_stop_requested(void)
{
	return stop_requested;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int terminal_wait_key(int ms)
{
	long long deadline = now_ms() + ms;

	while (!stop_requested) {
		long long left = deadline - now_ms();
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		char c;

		if (left <= 0)
			return 0;
		if (!raw_active) {
			struct timespec ts = {left / 1000, left % 1000 * 1000000};

			nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&p, 1, (int)left) > 0 && read(STDIN_FILENO, &c, 1) == 1)
			return (unsigned char)c;
	}
	return -1;
}
