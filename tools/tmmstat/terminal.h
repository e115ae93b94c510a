/*
 * terminal.h — raw keyboard input for top, and the promise to leave the
 * terminal as it was: restored on q, Ctrl-C, SIGTERM, SIGHUP and any exit.
 */
#ifndef TMMSTAT_TERMINAL_H
#define TMMSTAT_TERMINAL_H

/* Puts a terminal stdin in raw mode (no echo, no line buffering); 0 if not a tty. */
int terminal_raw(void);
void terminal_restore(void);

/* Catches SIGINT, SIGTERM and SIGHUP (without SA_RESTART): they set the flag. */
void terminal_catch_signals(void);
int terminal_stop_requested(void);

/*
 * Waits up to @ms for a key on a raw stdin; returns the key, 0 on timeout,
 * -1 when a signal asked to stop.
 */
int terminal_wait_key(int ms);

#endif /* TMMSTAT_TERMINAL_H */
