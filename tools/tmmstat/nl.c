/*
 * nl.c — requests to tmm.ko and its replies, over libnl-genl-3.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nl.h"

/* Keeps the kernel's own errno: libnl folds ESRCH and ENOENT together. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct tmm_nl *nl = arg;

	(void)who;
	nl->err = -e->error;
	return NL_STOP;
}

/* A dump that fails part-way says so in NLMSG_DONE's payload; libnl ignores it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct tmm_nl *nl = arg;
	int err;

	if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		memcpy(&err, nlmsg_data(h), sizeof(err));
		if (err < 0)
			nl->err = -err;
	}
	return NL_STOP;
}

static int module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/tmm", &st) == 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) >= 8 ? nla_get_u64(a) : 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a && nla_len(a) >= 4 ? nla_get_u32(a) : 0;
}

static int on_hello(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TMM_A_MAX + 1];
	struct tmm_hello *h = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TMM_A_MAX, NULL) == 0) {
		h->version = get_u32(tb[TMM_A_VERSION]);
		h->max_threads = get_u32(tb[TMM_A_MAX_THREADS]);
		h->threads = get_u32(tb[TMM_A_THREADS]);
		h->dropped = get_u64(tb[TMM_A_DROPPED]);
	}
	return NL_OK;
}

/* Sends @msg (freed) and reads replies with @fn until the request is done. */
static int transact(struct tmm_nl *nl, struct nl_msg *msg, nl_recvmsg_msg_cb_t fn, void *arg)
{
	int err;

	nl->err = 0;
	nl_socket_modify_cb(nl->sock, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	err = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (err < 0)
		return nl->err ? nl->err : ECOMM;
	err = nl_recvmsgs_default(nl->sock);
	if (nl->err)
		return nl->err;
	return err < 0 ? EPROTO : 0;
}

static int on_nothing(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* A request for @cmd, NLM_F_ACK set for commands that answer with an ack only. */
static struct nl_msg *request(struct tmm_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
				TMM_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int tmm_nl_hello(struct tmm_nl *nl, struct tmm_hello *h)
{
	struct nl_msg *msg = request(nl, TMM_CMD_HELLO, 0);

	memset(h, 0, sizeof(*h));
	return msg ? transact(nl, msg, on_hello, h) : ENOMEM;
}

static int check_version(struct tmm_nl *nl)
{
	struct tmm_hello h;
	int err = tmm_nl_hello(nl, &h);

	if (!err && h.version != TMM_GENL_VERSION) {
		errorf("tmm.ko speaks version %u of the netlink family, this tmmstat version %d: "
		       "install a matching tmmstat and module",
		       h.version, TMM_GENL_VERSION);
		return EXIT_PROTOCOL;
	}
	return err ? tmm_nl_fail(err, 0, "the module") : 0;
}

int tmm_nl_open(struct tmm_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->sock = nl_socket_alloc();
	if (!nl->sock || genl_connect(nl->sock) < 0) {
		errorf("cannot open a generic netlink socket: %s", strerror(errno));
		tmm_nl_close(nl);
		return EXIT_FAILURE_OTHER;
	}
	/* Never handed on to a program tmmstat runs (run's PROG). */
	fcntl(nl_socket_get_fd(nl->sock), F_SETFD, FD_CLOEXEC);
	nl_socket_disable_auto_ack(nl->sock);
	nl_socket_modify_err_cb(nl->sock, NL_CB_CUSTOM, on_error, nl);
	nl_socket_modify_cb(nl->sock, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, nl);
	nl->family = genl_ctrl_resolve(nl->sock, TMM_GENL_NAME);
	if (nl->family < 0) {
		tmm_nl_close(nl);
		if (module_loaded()) {
			errorf("tmm.ko is loaded but has no netlink family \"%s\": reload it "
			       "(rmmod tmm; modprobe tmm) and check dmesg",
			       TMM_GENL_NAME);
			return EXIT_NO_FAMILY;
		}
		errorf("the tmm kernel module is not loaded: load it with 'modprobe tmm' "
		       "(or 'insmod tmm.ko')");
		return EXIT_NO_MODULE;
	}
	return check_version(nl) ? (tmm_nl_close(nl), EXIT_PROTOCOL) : 0;
}

void tmm_nl_close(struct tmm_nl *nl)
{
	if (nl->sock)
		nl_socket_free(nl->sock);
	nl->sock = NULL;
}

/* A command that carries @tgid (and maybe flags) and answers with an ack. */
static int simple_command(struct tmm_nl *nl, uint8_t cmd, int attr, uint32_t id, int with_flags,
			  uint32_t flags)
{
	struct nl_msg *msg = request(nl, cmd, NLM_F_ACK);
	int err;

	if (!msg)
		return ENOMEM;
	if (nla_put_u32(msg, attr, id) < 0 ||
	    (with_flags && nla_put_u32(msg, TMM_A_FLAGS, flags))) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	nl->err = 0;
	nl_socket_modify_cb(nl->sock, NL_CB_VALID, NL_CB_CUSTOM, on_nothing, NULL);
	/* Not nl_send_sync: it skips the ack when auto-ack is off, losing errors. */
	err = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_wait_for_ack(nl->sock);
	if (nl->err)
		return nl->err;
	return err < 0 ? EPROTO : 0;
}

int tmm_nl_track(struct tmm_nl *nl, pid_t tgid, uint32_t flags)
{
	return simple_command(nl, TMM_CMD_TRACK, TMM_A_TGID, tgid, 1, flags);
}

int tmm_nl_untrack(struct tmm_nl *nl, pid_t tgid)
{
	return simple_command(nl, TMM_CMD_UNTRACK, TMM_A_TGID, tgid, 0, 0);
}

struct collect {
	struct thread_list *list;
	struct thread_stats *one;
	struct process_stats *process;
	int err;
};

static int on_thread(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TMM_A_MAX + 1];
	struct collect *c = arg;
	struct thread_stats t;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TMM_A_MAX, NULL) < 0 ||
	    tmm_parse_thread(tb[TMM_A_THREAD], &t)) {
		c->err = EPROTO;
		return NL_SKIP;
	}
	if (c->one)
		*c->one = t;
	else if (thread_list_add(c->list, &t))
		c->err = ENOMEM;
	return NL_OK;
}

int tmm_nl_threads(struct tmm_nl *nl, pid_t tgid, struct thread_list *out)
{
	struct collect c = {.list = out};
	struct nl_msg *msg = request(nl, TMM_CMD_GET_THREAD, NLM_F_DUMP);
	int err;

	if (!msg || nla_put_u32(msg, TMM_A_TGID, tgid) < 0) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	err = transact(nl, msg, on_thread, &c);
	return err ? err : c.err;
}

int tmm_nl_thread(struct tmm_nl *nl, pid_t tid, struct thread_stats *out)
{
	struct collect c = {.one = out};
	struct nl_msg *msg = request(nl, TMM_CMD_GET_THREAD, 0);
	int err;

	if (!msg || nla_put_u32(msg, TMM_A_TID, tid) < 0) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	out->tid = 0;
	err = transact(nl, msg, on_thread, &c);
	if (!err && !c.err && out->tid == 0)
		return EPROTO;
	return err ? err : c.err;
}

static int on_process(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TMM_A_MAX + 1];
	struct collect *c = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TMM_A_MAX, NULL) < 0 ||
	    tmm_parse_process(tb[TMM_A_PROCESS], c->process))
		c->err = EPROTO;
	return NL_OK;
}

int tmm_nl_process(struct tmm_nl *nl, pid_t tgid, struct process_stats *out)
{
	struct collect c = {.process = out};
	struct nl_msg *msg = request(nl, TMM_CMD_GET_PROCESS, 0);
	int err;

	if (!msg || nla_put_u32(msg, TMM_A_TGID, tgid) < 0) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	out->tgid = 0;
	err = transact(nl, msg, on_process, &c);
	if (!err && !c.err && out->tgid == 0)
		return EPROTO;
	return err ? err : c.err;
}

int tmm_nl_subscribe(struct tmm_nl *nl)
{
	int group = genl_ctrl_resolve_grp(nl->sock, TMM_GENL_NAME, TMM_GENL_MCGRP_EVENTS);

	if (group < 0)
		return ENOENT;
	nl_socket_disable_seq_check(nl->sock);
	/* Room for the exits of a few thousand threads between two reads. */
	nl_socket_set_buffer_size(nl->sock, 8 << 20, 0);
	return nl_socket_add_membership(nl->sock, group) < 0 ? EPROTO : 0;
}

struct event_sink {
	void (*fn)(const struct tmm_event *ev, void *arg);
	void *arg;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[TMM_A_MAX + 1];
	struct event_sink *sink = arg;
	struct tmm_event ev = {.cmd = g->cmd};

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TMM_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (ev.cmd == TMM_CMD_THREAD_EXIT && tmm_parse_thread(tb[TMM_A_THREAD], &ev.thread) == 0)
		sink->fn(&ev, sink->arg);
	else if (ev.cmd == TMM_CMD_PROCESS_EXIT &&
		 tmm_parse_process(tb[TMM_A_PROCESS], &ev.process) == 0)
		sink->fn(&ev, sink->arg);
	return NL_OK;
}

int tmm_nl_events(struct tmm_nl *nl, void (*fn)(const struct tmm_event *ev, void *arg), void *arg)
{
	struct event_sink sink = {fn, arg};
	int err;

	nl_socket_modify_cb(nl->sock, NL_CB_VALID, NL_CB_CUSTOM, on_event, &sink);
	err = nl_recvmsgs_default(nl->sock);
	if (err == -NLE_AGAIN)
		return EAGAIN;
	if (err == -NLE_NOMEM)
		return ENOBUFS;
	return err < 0 ? EPROTO : 0;
}

static int process_exists(pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return pid > 0 && stat(path, &st) == 0;
}

int tmm_nl_fail(int err, pid_t pid, const char *what)
{
	/* The module may say ESRCH or ENOENT for either; /proc knows which. */
	if (err == ESRCH || err == ENOENT)
		err = process_exists(pid) ? ENOENT : ESRCH;
	switch (err) {
	case EPERM:
	case EACCES:
		errorf("permission denied for %s: run tmmstat as root (the module needs "
		       "CAP_NET_ADMIN, or ptrace access to the process)",
		       what);
		return EXIT_PERMISSION;
	case ESRCH:
		errorf("no such process or thread: %d (check the id with ps -eLf)", (int)pid);
		return EXIT_NO_PROCESS;
	case ENOENT:
		errorf("%s is not tracked by tmm.ko: start with 'tmmstat track %d', or launch "
		       "it with 'tmmstat run'",
		       what, (int)pid);
		return EXIT_NOT_TRACKED;
	case EOPNOTSUPP:
		errorf("tmm.ko does not implement this request: update the module to match "
		       "this tmmstat");
		return EXIT_PROTOCOL;
	case EPROTO:
		errorf("tmm.ko sent a reply this tmmstat cannot read: update the module or "
		       "tmmstat so that they match");
		return EXIT_PROTOCOL;
	default:
		errorf("request about %s failed: %s", what, strerror(err));
		return EXIT_FAILURE_OTHER;
	}
}
