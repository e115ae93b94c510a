// A small libnl client of the tmm family for the VM selftests: send one
// request, collect the replies, return the kernel's errno.  Functions return
// 0 or a positive errno, like the rest of the project.
#ifndef TMM_SELFTEST_NL_H
#define TMM_SELFTEST_NL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/tmm.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

struct tmm_nl {
	struct nl_sock *sock;
	int family;
};

// One thread's figures, as a tmmstat-like client would keep them.
struct tmm_syscall_stat {
	int nr;
	uint64_t blocks;
	uint64_t block_ns;
};

struct tmm_thread_stat {
	uint32_t tid, tgid, state, cpu;
	char comm[16];
	char label[TMM_LABEL_LEN];
	uint64_t v[TMM_THREAD_A_MAX + 1]; // every u64 attribute, by type
	uint64_t block_hist[TMM_HIST_BUCKETS];
	uint64_t wakeup_hist[TMM_HIST_BUCKETS];
	struct tmm_syscall_stat syscalls[TMM_SYSCALL_SLOTS];
	int n_syscalls;
};

typedef void (*tmm_nl_reply_fn)(struct nlattr **tb, int cmd, void *arg);

struct tmm_nl_exchange {
	int err;
	int done;
	tmm_nl_reply_fn on_reply;
	void *arg;
};

static inline int tmm_nl_open(struct tmm_nl *nl)
{
	nl->sock = nl_socket_alloc();
	if (!nl->sock)
		return ENOMEM;
	if (genl_connect(nl->sock)) {
		nl_socket_free(nl->sock);
		return ECONNREFUSED;
	}
	nl_socket_enable_msg_peek(nl->sock);
	nl->family = genl_ctrl_resolve(nl->sock, TMM_GENL_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sock);
		return ENOENT;
	}
	return 0;
}

static inline void tmm_nl_close(struct tmm_nl *nl)
{
	nl_socket_free(nl->sock);
}

static inline int tmm_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct tmm_nl_exchange *x = arg;

	(void)who;
	x->err = -e->error;
	x->done = 1;
	return NL_STOP;
}

static inline int tmm_nl_on_done(struct nl_msg *msg, void *arg)
{
	struct tmm_nl_exchange *x = arg;

	(void)msg;
	x->done = 1;
	return NL_STOP;
}

static inline int tmm_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct tmm_nl_exchange *x = arg;
	struct nlattr *tb[TMM_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TMM_A_MAX, NULL) == 0 && x->on_reply)
		x->on_reply(tb, gh->cmd, x->arg);
	return NL_OK;
}

// Sends @msg (consumed) and reads until the ack, the error or the end of a
// dump.  Returns 0 or the kernel's errno.
static inline int tmm_nl_send(struct tmm_nl *nl, struct nl_msg *msg, tmm_nl_reply_fn on_reply,
			      void *arg)
{
	struct tmm_nl_exchange x = {.on_reply = on_reply, .arg = arg};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int r;

	if (!cb) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, tmm_nl_on_error, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, tmm_nl_on_done, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, tmm_nl_on_done, &x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, tmm_nl_on_valid, &x);
	r = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	while (r >= 0 && !x.done)
		r = nl_recvmsgs(nl->sock, cb);
	nl_cb_put(cb);
	if (r < 0 && !x.done)
		return EIO;
	return x.err;
}

static inline struct nl_msg *tmm_nl_msg(struct tmm_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg)
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			    TMM_GENL_VERSION);
	return msg;
}

// A command whose only attribute is a pid (TMM_A_TGID or TMM_A_TID).
static inline int tmm_nl_pid_cmd(struct tmm_nl *nl, int cmd, int attr, int pid)
{
	struct nl_msg *msg = tmm_nl_msg(nl, cmd, 0);

	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, attr, pid);
	return tmm_nl_send(nl, msg, NULL, NULL);
}

static inline int tmm_nl_track(struct tmm_nl *nl, int tgid, uint32_t flags)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_TRACK, 0);

	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, TMM_A_TGID, tgid);
	if (flags)
		nla_put_u32(msg, TMM_A_FLAGS, flags);
	return tmm_nl_send(nl, msg, NULL, NULL);
}

static inline int tmm_nl_untrack(struct tmm_nl *nl, int tgid)
{
	return tmm_nl_pid_cmd(nl, TMM_CMD_UNTRACK, TMM_A_TGID, tgid);
}

static inline int tmm_nl_reset(struct tmm_nl *nl, int tgid)
{
	return tmm_nl_pid_cmd(nl, TMM_CMD_RESET, TMM_A_TGID, tgid);
}

static inline int tmm_nl_set_label(struct tmm_nl *nl, int tid, const char *label)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_SET_LABEL, 0);

	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, TMM_A_TID, tid);
	nla_put_string(msg, TMM_A_LABEL, label);
	return tmm_nl_send(nl, msg, NULL, NULL);
}

static inline void tmm_parse_hist(struct nlattr *nest, uint64_t *hist)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) if (nla_type(a) >= 1 && nla_type(a) <= TMM_HIST_BUCKETS)
	    hist[nla_type(a) - 1] = nla_get_u64(a);
}

static inline void tmm_parse_syscalls(struct nlattr *nest, struct tmm_thread_stat *st)
{
	struct nlattr *a, *tb[TMM_SYSCALL_A_MAX + 1];
	int rem;

	nla_for_each_nested(a, nest, rem)
	{
		if (nla_type(a) != TMM_THREAD_A_SYSCALL || st->n_syscalls == TMM_SYSCALL_SLOTS)
			continue;
		if (nla_parse_nested(tb, TMM_SYSCALL_A_MAX, a, NULL) || !tb[TMM_SYSCALL_A_NR])
			continue;
		st->syscalls[st->n_syscalls].nr = (int)nla_get_u32(tb[TMM_SYSCALL_A_NR]);
		if (tb[TMM_SYSCALL_A_BLOCKS])
			st->syscalls[st->n_syscalls].blocks = nla_get_u64(tb[TMM_SYSCALL_A_BLOCKS]);
		if (tb[TMM_SYSCALL_A_BLOCK_NS])
			st->syscalls[st->n_syscalls].block_ns =
			    nla_get_u64(tb[TMM_SYSCALL_A_BLOCK_NS]);
		st->n_syscalls++;
	}
}

// Fills @st from a TMM_A_THREAD nest.  Returns 0 or EINVAL.
static inline int tmm_parse_thread(struct nlattr *nest, struct tmm_thread_stat *st)
{
	struct nlattr *tb[TMM_THREAD_A_MAX + 1];
	int i;

	memset(st, 0, sizeof(*st));
	if (!nest || nla_parse_nested(tb, TMM_THREAD_A_MAX, nest, NULL))
		return EINVAL;
	if (!tb[TMM_THREAD_A_TID] || !tb[TMM_THREAD_A_TGID] || !tb[TMM_THREAD_A_COMM])
		return EINVAL;
	st->tid = nla_get_u32(tb[TMM_THREAD_A_TID]);
	st->tgid = nla_get_u32(tb[TMM_THREAD_A_TGID]);
	nla_strlcpy(st->comm, tb[TMM_THREAD_A_COMM], sizeof(st->comm));
	if (tb[TMM_THREAD_A_LABEL])
		nla_strlcpy(st->label, tb[TMM_THREAD_A_LABEL], sizeof(st->label));
	if (tb[TMM_THREAD_A_STATE])
		st->state = nla_get_u32(tb[TMM_THREAD_A_STATE]);
	if (tb[TMM_THREAD_A_CPU])
		st->cpu = nla_get_u32(tb[TMM_THREAD_A_CPU]);
	for (i = TMM_THREAD_A_TRACKED_NS; i <= TMM_THREAD_A_MAX; i++)
		if (tb[i] && nla_len(tb[i]) == 8)
			st->v[i] = nla_get_u64(tb[i]);
	if (tb[TMM_THREAD_A_BLOCK_HIST])
		tmm_parse_hist(tb[TMM_THREAD_A_BLOCK_HIST], st->block_hist);
	if (tb[TMM_THREAD_A_WAKEUP_HIST])
		tmm_parse_hist(tb[TMM_THREAD_A_WAKEUP_HIST], st->wakeup_hist);
	if (tb[TMM_THREAD_A_SYSCALLS])
		tmm_parse_syscalls(tb[TMM_THREAD_A_SYSCALLS], st);
	return 0;
}

static inline void tmm_on_thread(struct nlattr **tb, int cmd, void *arg)
{
	(void)cmd;
	tmm_parse_thread(tb[TMM_A_THREAD], arg);
}

static inline int tmm_nl_get_thread(struct tmm_nl *nl, int tid, struct tmm_thread_stat *st)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_GET_THREAD, 0);

	memset(st, 0, sizeof(*st));
	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, TMM_A_TID, tid);
	return tmm_nl_send(nl, msg, tmm_on_thread, st);
}

// Dumps the threads of @tgid, calling @fn for each parsed record.
struct tmm_dump_ctx {
	void (*fn)(const struct tmm_thread_stat *st, void *arg);
	void *arg;
	int records;
};

static inline void tmm_on_dump_record(struct nlattr **tb, int cmd, void *arg)
{
	struct tmm_dump_ctx *ctx = arg;
	struct tmm_thread_stat st;

	(void)cmd;
	if (tmm_parse_thread(tb[TMM_A_THREAD], &st))
		return;
	ctx->records++;
	if (ctx->fn)
		ctx->fn(&st, ctx->arg);
}

static inline int tmm_nl_dump_threads(struct tmm_nl *nl, int tgid, struct tmm_dump_ctx *ctx)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_GET_THREAD, NLM_F_DUMP);

	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, TMM_A_TGID, tgid);
	return tmm_nl_send(nl, msg, tmm_on_dump_record, ctx);
}

struct tmm_process_stat {
	uint32_t tgid, flags, threads;
	uint64_t threads_seen, threads_exited, dropped;
};

// Fills @ps from a TMM_A_PROCESS nest.  Returns 0 or EINVAL.
static inline int tmm_parse_process(struct nlattr *nest, struct tmm_process_stat *ps)
{
	struct nlattr *tb[TMM_PROCESS_A_MAX + 1];

	memset(ps, 0, sizeof(*ps));
	if (!nest || nla_parse_nested(tb, TMM_PROCESS_A_MAX, nest, NULL) || !tb[TMM_PROCESS_A_TGID])
		return EINVAL;
	ps->tgid = nla_get_u32(tb[TMM_PROCESS_A_TGID]);
	if (tb[TMM_PROCESS_A_FLAGS])
		ps->flags = nla_get_u32(tb[TMM_PROCESS_A_FLAGS]);
	if (tb[TMM_PROCESS_A_THREADS])
		ps->threads = nla_get_u32(tb[TMM_PROCESS_A_THREADS]);
	if (tb[TMM_PROCESS_A_THREADS_SEEN])
		ps->threads_seen = nla_get_u64(tb[TMM_PROCESS_A_THREADS_SEEN]);
	if (tb[TMM_PROCESS_A_THREADS_EXITED])
		ps->threads_exited = nla_get_u64(tb[TMM_PROCESS_A_THREADS_EXITED]);
	if (tb[TMM_PROCESS_A_DROPPED])
		ps->dropped = nla_get_u64(tb[TMM_PROCESS_A_DROPPED]);
	return 0;
}

static inline void tmm_on_process(struct nlattr **tb, int cmd, void *arg)
{
	(void)cmd;
	tmm_parse_process(tb[TMM_A_PROCESS], arg);
}

static inline int tmm_nl_get_process(struct tmm_nl *nl, int tgid, struct tmm_process_stat *ps)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_GET_PROCESS, 0);

	memset(ps, 0, sizeof(*ps));
	if (!msg)
		return ENOMEM;
	nla_put_u32(msg, TMM_A_TGID, tgid);
	return tmm_nl_send(nl, msg, tmm_on_process, ps);
}

struct tmm_hello {
	uint32_t version, max_threads, threads, probes_attached;
	uint64_t dropped;
};

static inline void tmm_on_hello(struct nlattr **tb, int cmd, void *arg)
{
	struct tmm_hello *h = arg;

	(void)cmd;
	if (tb[TMM_A_VERSION])
		h->version = nla_get_u32(tb[TMM_A_VERSION]);
	if (tb[TMM_A_MAX_THREADS])
		h->max_threads = nla_get_u32(tb[TMM_A_MAX_THREADS]);
	if (tb[TMM_A_THREADS])
		h->threads = nla_get_u32(tb[TMM_A_THREADS]);
	if (tb[TMM_A_DROPPED])
		h->dropped = nla_get_u64(tb[TMM_A_DROPPED]);
	if (tb[TMM_A_PROBES_ATTACHED])
		h->probes_attached = nla_get_u32(tb[TMM_A_PROBES_ATTACHED]);
}

static inline int tmm_nl_hello(struct tmm_nl *nl, struct tmm_hello *h)
{
	struct nl_msg *msg = tmm_nl_msg(nl, TMM_CMD_HELLO, 0);

	memset(h, 0, sizeof(*h));
	if (!msg)
		return ENOMEM;
	return tmm_nl_send(nl, msg, tmm_on_hello, h);
}

#endif // TMM_SELFTEST_NL_H
