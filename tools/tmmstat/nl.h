/*
 * nl.h — tmmstat's side of the tmm generic netlink family (libnl-genl-3).
 *
 * Every call returns 0 or a positive errno as the module answered it (the
 * raw errno, not libnl's lossy translation), so that callers can tell "no
 * such process" from "not tracked" and "permission denied".
 */
#ifndef TMMSTAT_NL_H
#define TMMSTAT_NL_H

#include <netlink/netlink.h>

#include "tmmstat.h"

struct tmm_nl {
	struct nl_sock *sock;
	int family;
	int err; /* errno of the last NLMSG_ERROR received */
};

/*
 * Connects, resolves the family and checks the module's version.  On
 * failure prints the one-line explanation and returns the exit code
 * (EXIT_NO_MODULE, EXIT_NO_FAMILY, EXIT_PROTOCOL...); 0 on success.
 */
int tmm_nl_open(struct tmm_nl *nl);
void tmm_nl_close(struct tmm_nl *nl);

struct tmm_hello {
	uint32_t version, max_threads, threads;
	uint64_t dropped;
};

/* The module's version and module-wide counts (TMM_CMD_HELLO). */
int tmm_nl_hello(struct tmm_nl *nl, struct tmm_hello *h);

int tmm_nl_track(struct tmm_nl *nl, pid_t tgid, uint32_t flags);
int tmm_nl_untrack(struct tmm_nl *nl, pid_t tgid);
/* Every tracked thread of @tgid, appended to @out. */
int tmm_nl_threads(struct tmm_nl *nl, pid_t tgid, struct thread_list *out);
int tmm_nl_thread(struct tmm_nl *nl, pid_t tid, struct thread_stats *out);
int tmm_nl_process(struct tmm_nl *nl, pid_t tgid, struct process_stats *out);

/* Joins the "events" multicast group: this socket then only receives events. */
int tmm_nl_subscribe(struct tmm_nl *nl);

struct tmm_event {
	int cmd; /* TMM_CMD_THREAD_EXIT or TMM_CMD_PROCESS_EXIT */
	struct thread_stats thread;
	struct process_stats process;
};

/*
 * Receives the events waiting on a subscribed socket, calling @fn for each.
 * Blocks for the first one unless the socket was made non-blocking
 * (nl_socket_set_nonblocking).  Returns 0, EAGAIN when none was waiting,
 * ENOBUFS when the kernel dropped events (socket buffer full).
 */
int tmm_nl_events(struct tmm_nl *nl, void (*fn)(const struct tmm_event *ev, void *arg), void *arg);

/* Parsers of the nests, shared with the events; 0 or EPROTO. */
int tmm_parse_thread(struct nlattr *nest, struct thread_stats *t);
int tmm_parse_process(struct nlattr *nest, struct process_stats *p);

/*
 * Turns an errno from the module into the one-line message and exit code a
 * person can act on; @what names the object ("process 42", "thread 43").
 */
int tmm_nl_fail(int err, pid_t pid, const char *what);

#endif /* TMMSTAT_NL_H */
