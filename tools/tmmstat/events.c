/* events.c — see events.h. */
#include <inttypes.h>

#include "events.h"
#include "json.h"
#include "report.h"
#include "units.h"

static void thread_exit_text(FILE *out, const struct thread_stats *t)
{
	char on[UNITS_LEN], s[UNITS_LEN], smax[UNITS_LEN], d[UNITS_LEN], rq[UNITS_LEN];

	fprintf(out,
		"thread-exit   tgid %u tid %u comm %s label %s on-cpu %s runq %s switches %" PRIu64
		"/%" PRIu64 " S %" PRIu64 " %s (max %s) D %" PRIu64 " %s syscall %s\n",
		t->tgid, t->tid, t->comm[0] ? t->comm : "-", t->label[0] ? t->label : "-",
		format_ns(t->on_cpu_ns, on), format_ns(t->runq_delay_ns, rq), t->vol_switches,
		t->invol_switches, t->s_blocks, format_ns(t->s_block_ns, s),
		format_ns(t->s_block_max_ns, smax), t->d_blocks, format_ns(t->d_block_ns, d),
		top_syscall(t));
}

static void thread_exit_json(struct json *j, const struct thread_stats *t)
{
	json_u64(j, "tgid", t->tgid);
	json_u64(j, "tid", t->tid);
	json_string(j, "comm", t->comm);
	if (t->label[0])
		json_string(j, "label", t->label);
	else
		json_null(j, "label");
	json_u64(j, "on_cpu_ns", t->on_cpu_ns);
	json_u64(j, "runq_delay_ns", t->runq_delay_ns);
	json_u64(j, "vol_switches", t->vol_switches);
	json_u64(j, "invol_switches", t->invol_switches);
	json_u64(j, "s_blocks", t->s_blocks);
	json_u64(j, "s_block_ns", t->s_block_ns);
	json_u64(j, "s_block_max_ns", t->s_block_max_ns);
	json_u64(j, "d_blocks", t->d_blocks);
	json_u64(j, "d_block_ns", t->d_block_ns);
	json_u64(j, "d_block_max_ns", t->d_block_max_ns);
	json_string(j, "top_syscall", top_syscall(t));
}

void print_event(FILE *out, const struct tmm_event *ev, int json)
{
	const struct process_stats *p = &ev->process;
	struct json j;

	if (!json) {
		if (ev->cmd == TMM_CMD_THREAD_EXIT)
			thread_exit_text(out, &ev->thread);
		else
			fprintf(out,
				"process-exit  tgid %u threads-seen %" PRIu64 " exited %" PRIu64
				" dropped %" PRIu64 "\n",
				p->tgid, p->threads_seen, p->threads_exited, p->dropped);
		fflush(out);
		return;
	}
	json_init(&j, out);
	json_begin_object(&j, NULL);
	if (ev->cmd == TMM_CMD_THREAD_EXIT) {
		json_string(&j, "event", "thread-exit");
		thread_exit_json(&j, &ev->thread);
	} else {
		json_string(&j, "event", "process-exit");
		json_u64(&j, "tgid", p->tgid);
		json_u64(&j, "threads_seen", p->threads_seen);
		json_u64(&j, "threads_exited", p->threads_exited);
		json_u64(&j, "dropped", p->dropped);
	}
	json_end_object(&j);
	fflush(out);
}
