/*
 * cmd_hist.c — tmmstat hist PID [TID]: the block-duration and wakeup-latency
 * histograms as bars; the whole process summed, or one thread.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "fetch.h"
#include "json.h"
#include "units.h"

#define BAR_WIDTH 50
#define RANGE_WIDTH 20

static void hist_usage(FILE *out)
{
	fprintf(out,
		"usage: tmmstat hist [--json] PID [TID]\n"
		"\n"
		"Histograms of block durations (S and D sleeps) and of wakeup latency (from\n"
		"wakeup to running on a CPU), power-of-two buckets from 1 µs to 1 s, as\n"
		"bars: for every tracked thread of PID together, or for thread TID only.\n"
		"\n"
		"  --json  the bucket counts as JSON (\"le_ns\": each bucket's upper bound)\n");
}

/* The bucket's range: bucket 0 is under 1 µs, bucket i in [2^(i-1), 2^i) µs. */
static void bucket_range(int i, char *buf, size_t size)
{
	char lo[UNITS_LEN], hi[UNITS_LEN];

	if (i == 0)
		snprintf(buf, size, "< 1.00µs");
	else if (i == TMM_HIST_BUCKETS - 1)
		snprintf(buf, size, ">= %s", format_ns((1ull << (i - 1)) * 1000, lo));
	else
		snprintf(buf, size, "%s - %s", format_ns((1ull << (i - 1)) * 1000, lo),
			 format_ns((1ull << i) * 1000, hi));
}

static uint64_t bucket_upper_ns(int i)
{
	return i == TMM_HIST_BUCKETS - 1 ? UINT64_MAX : (1ull << i) * 1000;
}

static void draw(const char *title, const uint64_t *h)
{
	uint64_t max = 0, total = 0;
	int first = -1, last = -1;

	for (int i = 0; i < TMM_HIST_BUCKETS; i++) {
		max = h[i] > max ? h[i] : max;
		total += h[i];
		if (h[i] && first < 0)
			first = i;
		if (h[i])
			last = i;
	}
	printf("%s: %" PRIu64 " events\n", title, total);
	for (int i = first; total && i <= last; i++) {
		char range[64];
		int len = (int)((h[i] * BAR_WIDTH + max - 1) / max);

		bucket_range(i, range, sizeof(range));
		/* Padded on display width: "µ" is two bytes but one column. */
		printf("  %s%*s |", range, (int)(RANGE_WIDTH - display_width(range)), "");
		for (int b = 0; b < len; b++)
			fputs("█", stdout);
		printf("%*s %" PRIu64 "\n", BAR_WIDTH - len, "", h[i]);
	}
}

static void json_buckets(struct json *j, const char *key, const uint64_t *h)
{
	json_begin_array(j, key);
	for (int i = 0; i < TMM_HIST_BUCKETS; i++) {
		json_begin_object(j, NULL);
		if (i == TMM_HIST_BUCKETS - 1)
			json_null(j, "le_ns");
		else
			json_u64(j, "le_ns", bucket_upper_ns(i));
		json_u64(j, "count", h[i]);
		json_end_object(j);
	}
	json_end_array(j);
}

static void sum_into(struct thread_stats *sum, const struct thread_stats *t)
{
	for (int i = 0; i < TMM_HIST_BUCKETS; i++) {
		sum->block_hist[i] += t->block_hist[i];
		sum->wakeup_hist[i] += t->wakeup_hist[i];
	}
}

static int fetch_hist(struct tmm_nl *nl, pid_t pid, pid_t tid, struct thread_stats *sum)
{
	struct thread_list l = {0};
	char what[48];
	int rc, err;

	memset(sum, 0, sizeof(*sum));
	if (tid) {
		snprintf(what, sizeof(what), "thread %d", (int)tid);
		err = tmm_nl_thread(nl, tid, sum);
		if (!err && sum->tgid && sum->tgid != (uint32_t)pid) {
			errorf("thread %d belongs to process %u, not %d", (int)tid, sum->tgid,
			       (int)pid);
			return EXIT_NO_PROCESS;
		}
		return err ? tmm_nl_fail(err, tid, what) : 0;
	}
	rc = fetch_threads(nl, pid, SORT_TID, &l);
	for (size_t i = 0; !rc && i < l.n; i++)
		sum_into(sum, &l.v[i]);
	thread_list_free(&l);
	return rc;
}

int cmd_hist(int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct thread_stats sum;
	struct tmm_nl nl;
	pid_t pid, tid = 0;
	int opt, rc, json = 0;

	while ((opt = getopt_long(argc, argv, "+hj", options, NULL)) != -1) {
		if (opt == 'h')
			return hist_usage(stdout), 0;
		if (opt != 'j')
			return usage_error("hist",
					   "bad option '%s' (unknown, or its value is missing)",
					   argv[optind - 1]);
		json = 1;
	}
	if (argc - optind < 1 || argc - optind > 2)
		return usage_error("hist", argc == optind ? "missing PID" : "too many arguments");
	if ((rc = parse_pid("hist", argv[optind], &pid)) ||
	    (argc - optind == 2 && (rc = parse_pid("hist", argv[optind + 1], &tid))))
		return rc;
	if ((rc = tmm_nl_open(&nl)))
		return rc;
	rc = fetch_hist(&nl, pid, tid, &sum);
	tmm_nl_close(&nl);
	if (rc)
		return rc;
	if (json) {
		struct json j;

		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_u64(&j, "pid", pid);
		if (tid)
			json_u64(&j, "tid", tid);
		json_buckets(&j, "block", sum.block_hist);
		json_buckets(&j, "wakeup", sum.wakeup_hist);
		json_end_object(&j);
		return 0;
	}
	if (tid)
		printf("thread %d of process %d\n", (int)tid, (int)pid);
	else
		printf("process %d, all tracked threads\n", (int)pid);
	draw("block durations (S and D)", sum.block_hist);
	draw("wakeup latency (woken to running)", sum.wakeup_hist);
	return 0;
}
