/*
 * fuzz_snapshot.c — libFuzzer target for the snapshot reader: any bytes a
 * hostile or broken process could leave in its memfd must be rejected with a
 * reason or read within bounds, never crash tmmstat.
 *
 *   make check-fuzz            (a bounded run; see tools/tools.mk)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "ult.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A sound snapshot to start from: without it the fuzzer would spend its
 * time guessing the 8-byte magic instead of exploring the checks behind it.
 */
static size_t make_seed(void *buf, uint32_t nk, uint32_t nt)
{
	struct tmm_snap_header *h = buf;
	struct tmm_snap_kthread *k = (void *)(h + 1);
	struct tmm_snap_thread *t = (void *)(k + nk);

	memset(h, 0, sizeof(*h));
	h->magic = TMM_SNAP_MAGIC;
	h->version = TMM_SNAP_VERSION;
	h->header_size = sizeof(*h);
	h->kthread_size = sizeof(*k);
	h->thread_size = sizeof(*t);
	h->kthread_capacity = nk;
	h->thread_capacity = nt;
	h->kthreads_offset = sizeof(*h);
	h->threads_offset = sizeof(*h) + nk * sizeof(*k);
	h->total_size = h->threads_offset + nt * sizeof(*t);
	h->model = 3;
	h->kthreads_max = nk;
	for (uint32_t i = 0; i < nk; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].tid = 100 + i;
		k[i].role = i ? TMM_ROLE_WORKER : TMM_ROLE_MAIN;
		k[i].index = i;
		snprintf(k[i].label, sizeof(k[i].label), "tmm-worker-%u", i);
	}
	for (uint32_t i = 0; i < nt; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].id = i + 1;
		t[i].ktid = 100 + i % (nk ? nk : 1);
		t[i].state = i % 5;
		memset(t[i].name, 'a' + i, sizeof(t[i].name)); /* no NUL on purpose */
	}
	return h->total_size;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TMM_FUZZ_SEED_DIR");
	static uint64_t buf[1024];
	char path[512];

	(void)argc;
	(void)argv;
	if (!dir)
		return 0;
	for (uint32_t n = 0; n < 3; n++) {
		size_t size = make_seed(buf, n + 1, 2 * n + 1);
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%u", dir, n);
		if ((f = fopen(path, "w"))) {
			fwrite(buf, 1, size, f);
			fclose(f);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;
	const char *why;
	void *buf;

	/* The reader copies into an 8-aligned buffer of exactly the file's size. */
	if (posix_memalign(&buf, 8, size ? size : 1))
		return 0;
	memcpy(buf, data, size);
	if (snapshot_check(buf, size, &s, &why) == 0) {
		/* Walk every record as tmmstat's views do. */
		ult_touch_all(&s);
	} else if (!why || !*why) {
		abort(); /* a rejection must say why */
	}
	free(buf);
	return 0;
}
