/* fetch.c — see fetch.h. */
#include <errno.h>

#include "fetch.h"
#include "ult.h"

int fetch_threads(struct tmm_nl *nl, pid_t pid, enum sort_key sort, struct thread_list *out)
{
	char what[48];
	int err;

	snprintf(what, sizeof(what), "process %d", (int)pid);
	err = tmm_nl_threads(nl, pid, out);
	if (!err && out->n == 0) {
		/* An empty dump: tell "not tracked" and "gone" from "no threads left". */
		struct process_stats p;

		err = tmm_nl_process(nl, pid, &p);
	}
	if (err)
		return tmm_nl_fail(err, pid, what);
	sort_threads(out, sort);
	return 0;
}

int fetch_ult(pid_t pid, struct snapshot *s)
{
	const char *why = NULL;
	int err = snapshot_read(pid, s, &why);

	return err ? ult_fail(err, pid, why) : 0;
}

int show_once(pid_t pid, const struct view_options *v, FILE *out)
{
	struct thread_list threads = {0};
	struct snapshot snap = {0};
	struct report r = {.pid = pid, .threads = &threads};
	struct process_stats process;
	struct tmm_nl nl;
	int rc = tmm_nl_open(&nl);

	if (rc)
		return rc;
	rc = fetch_threads(&nl, pid, v->sort, &threads);
	if (!rc && v->ult && (rc = fetch_ult(pid, &snap)) == 0)
		r.ult = &snap;
	/* Figures are incomplete when the module's cap left threads out: say so. */
	if (!rc && tmm_nl_process(&nl, pid, &process) == 0) {
		r.process = &process;
		if (process.dropped)
			errorf("warning: %llu threads of process %d were not tracked (tmm.ko's cap "
			       "on tracked threads was reached)",
			       (unsigned long long)process.dropped, (int)pid);
	}
	if (!rc) {
		if (v->json)
			report_json(out, &r);
		else
			report_table(out, &r);
	}
	snapshot_free(&snap);
	thread_list_free(&threads);
	tmm_nl_close(&nl);
	return rc;
}
