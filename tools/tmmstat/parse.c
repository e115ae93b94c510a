/*
 * parse.c — TMM_A_THREAD and TMM_A_PROCESS nests into plain structs.
 *
 * The policies check every length before a value is read; attribute types
 * this tmmstat does not know (a newer module) are skipped, as the UAPI
 * header asks.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>

#include "nl.h"

static struct nla_policy thread_policy[TMM_THREAD_A_MAX + 1] = {
    [TMM_THREAD_A_TID] = {.type = NLA_U32},
    [TMM_THREAD_A_TGID] = {.type = NLA_U32},
    [TMM_THREAD_A_COMM] = {.type = NLA_STRING},
    [TMM_THREAD_A_LABEL] = {.type = NLA_STRING},
    [TMM_THREAD_A_STATE] = {.type = NLA_U32},
    [TMM_THREAD_A_CPU] = {.type = NLA_U32},
    [TMM_THREAD_A_TRACKED_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_ON_CPU_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_RUNQ_DELAY_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_RUNQ_WAITS] = {.type = NLA_U64},
    [TMM_THREAD_A_SCHED_IN] = {.type = NLA_U64},
    [TMM_THREAD_A_VOL_SWITCHES] = {.type = NLA_U64},
    [TMM_THREAD_A_INVOL_SWITCHES] = {.type = NLA_U64},
    [TMM_THREAD_A_MIGRATIONS] = {.type = NLA_U64},
    [TMM_THREAD_A_S_BLOCKS] = {.type = NLA_U64},
    [TMM_THREAD_A_S_BLOCK_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_S_BLOCK_MAX_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_D_BLOCKS] = {.type = NLA_U64},
    [TMM_THREAD_A_D_BLOCK_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_D_BLOCK_MAX_NS] = {.type = NLA_U64},
    [TMM_THREAD_A_BLOCK_HIST] = {.type = NLA_NESTED},
    [TMM_THREAD_A_WAKEUP_HIST] = {.type = NLA_NESTED},
    [TMM_THREAD_A_SYSCALLS] = {.type = NLA_NESTED},
    [TMM_THREAD_A_SYSCALL_OTHER_BLOCKS] = {.type = NLA_U64},
    [TMM_THREAD_A_SYSCALL_OTHER_NS] = {.type = NLA_U64},
};

static struct nla_policy syscall_policy[TMM_SYSCALL_A_MAX + 1] = {
    [TMM_SYSCALL_A_NR] = {.type = NLA_U32},
    [TMM_SYSCALL_A_BLOCKS] = {.type = NLA_U64},
    [TMM_SYSCALL_A_BLOCK_NS] = {.type = NLA_U64},
};

static struct nla_policy process_policy[TMM_PROCESS_A_MAX + 1] = {
    [TMM_PROCESS_A_TGID] = {.type = NLA_U32},
    [TMM_PROCESS_A_FLAGS] = {.type = NLA_U32},
    [TMM_PROCESS_A_THREADS] = {.type = NLA_U32},
    [TMM_PROCESS_A_THREADS_SEEN] = {.type = NLA_U64},
    [TMM_PROCESS_A_THREADS_EXITED] = {.type = NLA_U64},
    [TMM_PROCESS_A_DROPPED] = {.type = NLA_U64},
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t u32_or_0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

/* Bucket i is attribute type i + 1; unknown types and short ones are skipped. */
static void parse_hist(struct nlattr *nest, uint64_t *buckets)
{
	struct nlattr *a;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(a, nest, rem)
	{
		int type = nla_type(a);

		if (type >= 1 && type <= TMM_HIST_BUCKETS && nla_len(a) >= (int)sizeof(uint64_t))
			buckets[type - 1] = nla_get_u64(a);
	}
}

static int parse_syscalls(struct nlattr *nest, struct thread_stats *t)
{
	struct nlattr *a, *tb[TMM_SYSCALL_A_MAX + 1];
	int rem;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem)
	{
		struct syscall_slot *s;

		if (nla_type(a) != TMM_THREAD_A_SYSCALL || t->nsyscalls >= TMM_SYSCALL_SLOTS)
			continue;
		if (nla_parse_nested(tb, TMM_SYSCALL_A_MAX, a, syscall_policy) < 0)
			return EPROTO;
		s = &t->syscalls[t->nsyscalls++];
		s->nr = tb[TMM_SYSCALL_A_NR] ? (int32_t)nla_get_u32(tb[TMM_SYSCALL_A_NR]) : -1;
		s->blocks = u64_or_0(tb[TMM_SYSCALL_A_BLOCKS]);
		s->block_ns = u64_or_0(tb[TMM_SYSCALL_A_BLOCK_NS]);
	}
	return 0;
}

static void copy_string(char *dst, size_t size, struct nlattr *a)
{
	dst[0] = '\0';
	if (a)
		nla_strlcpy(dst, a, size);
}

int tmm_parse_thread(struct nlattr *nest, struct thread_stats *t)
{
	struct nlattr *tb[TMM_THREAD_A_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (!nest || nla_parse_nested(tb, TMM_THREAD_A_MAX, nest, thread_policy) < 0 ||
	    !tb[TMM_THREAD_A_TID])
		return EPROTO;
	t->tid = nla_get_u32(tb[TMM_THREAD_A_TID]);
	t->tgid = u32_or_0(tb[TMM_THREAD_A_TGID]);
	copy_string(t->comm, sizeof(t->comm), tb[TMM_THREAD_A_COMM]);
	copy_string(t->label, sizeof(t->label), tb[TMM_THREAD_A_LABEL]);
	t->state = u32_or_0(tb[TMM_THREAD_A_STATE]);
	t->cpu = u32_or_0(tb[TMM_THREAD_A_CPU]);
	t->tracked_ns = u64_or_0(tb[TMM_THREAD_A_TRACKED_NS]);
	t->on_cpu_ns = u64_or_0(tb[TMM_THREAD_A_ON_CPU_NS]);
	t->runq_delay_ns = u64_or_0(tb[TMM_THREAD_A_RUNQ_DELAY_NS]);
	t->runq_waits = u64_or_0(tb[TMM_THREAD_A_RUNQ_WAITS]);
	t->sched_in = u64_or_0(tb[TMM_THREAD_A_SCHED_IN]);
	t->vol_switches = u64_or_0(tb[TMM_THREAD_A_VOL_SWITCHES]);
	t->invol_switches = u64_or_0(tb[TMM_THREAD_A_INVOL_SWITCHES]);
	t->migrations = u64_or_0(tb[TMM_THREAD_A_MIGRATIONS]);
	t->s_blocks = u64_or_0(tb[TMM_THREAD_A_S_BLOCKS]);
	t->s_block_ns = u64_or_0(tb[TMM_THREAD_A_S_BLOCK_NS]);
	t->s_block_max_ns = u64_or_0(tb[TMM_THREAD_A_S_BLOCK_MAX_NS]);
	t->d_blocks = u64_or_0(tb[TMM_THREAD_A_D_BLOCKS]);
	t->d_block_ns = u64_or_0(tb[TMM_THREAD_A_D_BLOCK_NS]);
	t->d_block_max_ns = u64_or_0(tb[TMM_THREAD_A_D_BLOCK_MAX_NS]);
	parse_hist(tb[TMM_THREAD_A_BLOCK_HIST], t->block_hist);
	parse_hist(tb[TMM_THREAD_A_WAKEUP_HIST], t->wakeup_hist);
	t->syscall_other_blocks = u64_or_0(tb[TMM_THREAD_A_SYSCALL_OTHER_BLOCKS]);
	t->syscall_other_ns = u64_or_0(tb[TMM_THREAD_A_SYSCALL_OTHER_NS]);
	return parse_syscalls(tb[TMM_THREAD_A_SYSCALLS], t);
}

int tmm_parse_process(struct nlattr *nest, struct process_stats *p)
{
	struct nlattr *tb[TMM_PROCESS_A_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!nest || nla_parse_nested(tb, TMM_PROCESS_A_MAX, nest, process_policy) < 0 ||
	    !tb[TMM_PROCESS_A_TGID])
		return EPROTO;
	p->tgid = nla_get_u32(tb[TMM_PROCESS_A_TGID]);
	p->flags = u32_or_0(tb[TMM_PROCESS_A_FLAGS]);
	p->threads = u32_or_0(tb[TMM_PROCESS_A_THREADS]);
	p->threads_seen = u64_or_0(tb[TMM_PROCESS_A_THREADS_SEEN]);
	p->threads_exited = u64_or_0(tb[TMM_PROCESS_A_THREADS_EXITED]);
	p->dropped = u64_or_0(tb[TMM_PROCESS_A_DROPPED]);
	return 0;
}
