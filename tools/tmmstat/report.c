/* report.c — see report.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "syscalls.h"
#include "table.h"
#include "ult.h"
#include "units.h"

static const struct {
	const char *name;
	enum sort_key key;
} sort_names[] = {
    {"tid", SORT_TID},	     {"cpu", SORT_ONCPU},	  {"oncpu", SORT_ONCPU},
    {"runq", SORT_RUNQ},     {"switches", SORT_SWITCHES}, {"sblock", SORT_SBLOCK},
    {"dblock", SORT_DBLOCK}, {"name", SORT_NAME},
};

int parse_sort_key(const char *name, enum sort_key *key)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (strcmp(name, sort_names[i].name) == 0) {
			*key = sort_names[i].key;
			return 0;
		}
	}
	return EINVAL;
}

static uint64_t sort_figure(const struct thread_stats *t, enum sort_key key)
{
	switch (key) {
	case SORT_ONCPU:
		return t->on_cpu_ns;
	case SORT_RUNQ:
		return t->runq_delay_ns;
	case SORT_SWITCHES:
		return t->vol_switches + t->invol_switches;
	case SORT_SBLOCK:
		return t->s_block_ns;
	case SORT_DBLOCK:
		return t->d_block_ns;
	default:
		return 0;
	}
}

static const char *display_name(const struct thread_stats *t)
{
	return t->label[0] ? t->label : t->comm;
}

static int compare_threads(const void *a, const void *b, void *arg)
{
	const struct thread_stats *x = a, *y = b;
	enum sort_key key = *(const enum sort_key *)arg;
	uint64_t fx = sort_figure(x, key), fy = sort_figure(y, key);
	int c;

	if (key == SORT_NAME && (c = strcmp(display_name(x), display_name(y))) != 0)
		return c;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

void sort_threads(struct thread_list *l, enum sort_key key)
{
	if (l->n > 1)
		qsort_r(l->v, l->n, sizeof(l->v[0]), compare_threads, &key);
}

const char *thread_state_name(uint32_t state)
{
	static const char *const names[] = {
	    [TMM_STATE_RUNNING] = "running",   [TMM_STATE_RUNNABLE] = "runnable",
	    [TMM_STATE_SLEEPING] = "sleeping", [TMM_STATE_DISK_SLEEP] = "disk",
	    [TMM_STATE_STOPPED] = "stopped",   [TMM_STATE_DEAD] = "dead",
	};

	return state <= TMM_STATE_DEAD ? names[state] : "?";
}

const char *top_syscall(const struct thread_stats *t)
{
	return t->nsyscalls ? syscall_name(t->syscalls[0].nr) : "-";
}

static const char *const table_heads[] = {
    "TID",   "COMM",	"LABEL", "STATE", "CPU",     "ON-CPU", "RUNQ",	  "VOL", "INVOL",
    "S-BLK", "S-TOTAL", "S-MAX", "D-BLK", "D-TOTAL", "D-MAX",  "SYSCALL", NULL,
};
static const char table_align[] = "lllllrrrrrrrrrrl";

static void thread_row(struct table *tb, const struct thread_stats *t)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN], d[UNITS_LEN], e[UNITS_LEN], f[UNITS_LEN];

	table_row(tb);
	table_cell(tb, "%u", t->tid);
	table_cell(tb, "%s", t->comm[0] ? t->comm : "-");
	table_cell(tb, "%s", t->label[0] ? t->label : "-");
	table_cell(tb, "%s", thread_state_name(t->state));
	table_cell(tb, "%u", t->cpu);
	table_cell(tb, "%s", format_ns(t->on_cpu_ns, a));
	table_cell(tb, "%s", format_ns(t->runq_delay_ns, b));
	table_cell(tb, "%" PRIu64, t->vol_switches);
	table_cell(tb, "%" PRIu64, t->invol_switches);
	table_cell(tb, "%" PRIu64, t->s_blocks);
	table_cell(tb, "%s", format_ns(t->s_block_ns, c));
	table_cell(tb, "%s", format_ns(t->s_block_max_ns, d));
	table_cell(tb, "%" PRIu64, t->d_blocks);
	table_cell(tb, "%s", format_ns(t->d_block_ns, e));
	table_cell(tb, "%s", format_ns(t->d_block_max_ns, f));
	table_cell(tb, "%s", top_syscall(t));
}

static void ult_line(struct table *tb, const struct tmm_snap_thread *u, const char *lead)
{
	char name[TMM_SNAP_NAME_LEN + 1], ran[UNITS_LEN];

	ult_copy_name(name, u->name);
	table_line(tb, "%s tmm #%" PRIu64 " %-16s %-8s  switches %" PRIu64 "  ran %s", lead, u->id,
		   name, ult_state_name(u->state), u->switches, format_ns(u->run_ns, ran));
}

/* The tmm threads whose last kernel thread is @tid (0: never ran). */
static void ult_lines(struct table *tb, const struct snapshot *s, int32_t tid)
{
	for (uint32_t i = 0; i < s->header->thread_capacity; i++)
		if (s->threads[i].id && s->threads[i].ktid == tid)
			ult_line(tb, &s->threads[i], "    └");
}

static int listed(const struct thread_list *l, int32_t tid)
{
	for (size_t i = 0; i < l->n; i++)
		if ((int32_t)l->v[i].tid == tid)
			return 1;
	return 0;
}

/* tmm threads whose kernel thread is not in the report (exited, untracked). */
static void ult_orphans(struct table *tb, const struct report *r)
{
	const struct snapshot *s = r->ult;
	int header = 0;

	for (uint32_t i = 0; i < s->header->thread_capacity; i++) {
		const struct tmm_snap_thread *u = &s->threads[i];

		if (!u->id || (u->ktid && listed(r->threads, u->ktid)))
			continue;
		if (!header++)
			table_line(tb, "  (tmm threads not yet run, or last run on a kernel "
				       "thread not listed)");
		ult_line(tb, u, "    -");
	}
}

static void ult_title(FILE *out, const struct report *r)
{
	const struct tmm_snap_header *h = r->ult->header;

	fprintf(out, "process %d: tmm model %s, ", (int)r->pid, ult_model_name(h->model));
	if (h->kthreads_max)
		fprintf(out, "%u kernel threads for tmm threads, ", h->kthreads_max);
	fprintf(out, "%u tmm threads\n", ult_thread_count(r->ult));
}

void report_table(FILE *out, const struct report *r)
{
	struct table tb;

	if (r->title)
		fprintf(out, "%s\n", r->title);
	if (r->ult)
		ult_title(out, r);
	table_init(&tb, table_heads, table_align);
	for (size_t i = 0; i < r->threads->n; i++) {
		const struct thread_stats *t = &r->threads->v[i];
		const struct tmm_snap_kthread *k = r->ult ? ult_kthread(r->ult, t->tid) : NULL;

		thread_row(&tb, t);
		if (k)
			table_line(&tb, "  %s %u: %" PRIu64 " tmm switches", ult_role_name(k->role),
				   k->index, k->switches);
		if (r->ult)
			ult_lines(&tb, r->ult, t->tid);
	}
	if (r->ult)
		ult_orphans(&tb, r);
	table_print(&tb, out);
	table_free(&tb);
}

static void json_hist(struct json *j, const char *key, const uint64_t *h)
{
	json_begin_array(j, key);
	for (int i = 0; i < TMM_HIST_BUCKETS; i++)
		json_u64(j, NULL, h[i]);
	json_end_array(j);
}

static void json_syscalls(struct json *j, const struct thread_stats *t)
{
	json_begin_array(j, "syscalls");
	for (unsigned int i = 0; i < t->nsyscalls; i++) {
		json_begin_object(j, NULL);
		json_i64(j, "nr", t->syscalls[i].nr);
		json_string(j, "name", syscall_name(t->syscalls[i].nr));
		json_u64(j, "blocks", t->syscalls[i].blocks);
		json_u64(j, "block_ns", t->syscalls[i].block_ns);
		json_end_object(j);
	}
	json_end_array(j);
	json_u64(j, "syscall_other_blocks", t->syscall_other_blocks);
	json_u64(j, "syscall_other_ns", t->syscall_other_ns);
}

static void json_ult_thread(struct json *j, const struct tmm_snap_thread *u)
{
	char name[TMM_SNAP_NAME_LEN + 1];

	ult_copy_name(name, u->name);
	json_begin_object(j, NULL);
	json_u64(j, "id", u->id);
	json_string(j, "name", name);
	json_string(j, "state", ult_state_name(u->state));
	json_i64(j, "ktid", u->ktid);
	json_u64(j, "switches", u->switches);
	json_u64(j, "run_ns", u->run_ns);
	json_end_object(j);
}

static void json_ult(struct json *j, const struct snapshot *s, int32_t tid)
{
	const struct tmm_snap_kthread *k = ult_kthread(s, tid);

	if (k) {
		json_string(j, "role", ult_role_name(k->role));
		json_u64(j, "role_index", k->index);
		json_u64(j, "tmm_switches", k->switches);
	} else {
		json_null(j, "role");
	}
	json_begin_array(j, "tmm_threads");
	for (uint32_t i = 0; i < s->header->thread_capacity; i++)
		if (s->threads[i].id && s->threads[i].ktid == tid)
			json_ult_thread(j, &s->threads[i]);
	json_end_array(j);
}

static void json_thread(struct json *j, const struct thread_stats *t, const struct snapshot *ult)
{
	json_begin_object(j, NULL);
	json_u64(j, "tid", t->tid);
	json_u64(j, "tgid", t->tgid);
	json_string(j, "comm", t->comm);
	if (t->label[0])
		json_string(j, "label", t->label);
	else
		json_null(j, "label");
	json_string(j, "state", thread_state_name(t->state));
	json_u64(j, "cpu", t->cpu);
	json_u64(j, "tracked_ns", t->tracked_ns);
	json_u64(j, "on_cpu_ns", t->on_cpu_ns);
	json_u64(j, "runq_delay_ns", t->runq_delay_ns);
	json_u64(j, "runq_waits", t->runq_waits);
	json_u64(j, "sched_in", t->sched_in);
	json_u64(j, "vol_switches", t->vol_switches);
	json_u64(j, "invol_switches", t->invol_switches);
	json_u64(j, "migrations", t->migrations);
	json_u64(j, "s_blocks", t->s_blocks);
	json_u64(j, "s_block_ns", t->s_block_ns);
	json_u64(j, "s_block_max_ns", t->s_block_max_ns);
	json_u64(j, "d_blocks", t->d_blocks);
	json_u64(j, "d_block_ns", t->d_block_ns);
	json_u64(j, "d_block_max_ns", t->d_block_max_ns);
	json_string(j, "top_syscall", top_syscall(t));
	json_syscalls(j, t);
	json_hist(j, "block_hist", t->block_hist);
	json_hist(j, "wakeup_hist", t->wakeup_hist);
	if (ult)
		json_ult(j, ult, t->tid);
	json_end_object(j);
}

void report_json(FILE *out, const struct report *r)
{
	struct json j;

	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_u64(&j, "pid", r->pid);
	if (r->ult) {
		json_string(&j, "model", ult_model_name(r->ult->header->model));
		json_u64(&j, "kthreads_max", r->ult->header->kthreads_max);
		json_u64(&j, "tmm_threads", ult_thread_count(r->ult));
	}
	if (r->process) {
		json_begin_object(&j, "process");
		json_u64(&j, "threads", r->process->threads);
		json_u64(&j, "threads_seen", r->process->threads_seen);
		json_u64(&j, "threads_exited", r->process->threads_exited);
		json_u64(&j, "dropped", r->process->dropped);
		json_u64(&j, "track_children", !!(r->process->flags & TMM_TRACK_CHILDREN));
		json_end_object(&j);
	}
	json_begin_array(&j, "threads");
	for (size_t i = 0; i < r->threads->n; i++)
		json_thread(&j, &r->threads->v[i], r->ult);
	json_end_array(&j);
	if (r->ult) {
		json_begin_array(&j, "unplaced_tmm_threads");
		for (uint32_t i = 0; i < r->ult->header->thread_capacity; i++) {
			const struct tmm_snap_thread *u = &r->ult->threads[i];

			if (u->id && !(u->ktid && listed(r->threads, u->ktid)))
				json_ult_thread(&j, u);
		}
		json_end_array(&j);
	}
	json_end_object(&j);
}
