/*
 * tls.c — thread-local data per tmm thread (not per kernel thread: under
 * M:1 and M:N many tmm threads share one kernel thread, and under M:N a tmm
 * thread moves between kernel threads).
 *
 * Keys are slots in one table; each slot has a generation, bumped when the
 * key is created, so a value stored under a deleted key never shows through a
 * new key in the same slot.  Each thread's values grow on demand.
 * Destructors run at thread exit in up to TMM_DESTRUCTOR_ITERATIONS passes,
 * as pthreads does, since a destructor may store new values.
 */
#include <errno.h>
#include <stdlib.h>

#include "runtime.h"

#define TMM_KEYS_MAX 256
#define TMM_DESTRUCTOR_ITERATIONS 4

struct key_slot {
	int used;
	unsigned int gen;
	void (*destructor)(void *);
};

struct tls_value {
	void *value;
	unsigned int gen;
};

struct tmm_tls {
	unsigned int count;
	struct tls_value v[];
};

static struct tmm_spin keys_lock;
static struct key_slot keys[TMM_KEYS_MAX];

TMM_API int tmm_key_create(tmm_key_t *key, void (*destructor)(void *))
{
	unsigned int i;

	if (!key)
		return EINVAL;
	tmm_spin_lock(&keys_lock);
	for (i = 0; i < TMM_KEYS_MAX; i++)
		if (!keys[i].used) {
			keys[i].used = 1;
			keys[i].gen++;
			keys[i].destructor = destructor;
			*key = i;
			break;
		}
	tmm_spin_unlock(&keys_lock);
	return i < TMM_KEYS_MAX ? 0 : EAGAIN;
}

TMM_API int tmm_key_delete(tmm_key_t key)
{
	int err = 0;

	tmm_spin_lock(&keys_lock);
	if (key >= TMM_KEYS_MAX || !keys[key].used)
		err = EINVAL;
	else
		keys[key].used = 0;
	tmm_spin_unlock(&keys_lock);
	return err;
}

/* The key's generation, 0 when it is not in use. */
static unsigned int key_gen(tmm_key_t key)
{
	unsigned int gen = 0;

	if (key >= TMM_KEYS_MAX)
		return 0;
	tmm_spin_lock(&keys_lock);
	if (keys[key].used)
		gen = keys[key].gen;
	tmm_spin_unlock(&keys_lock);
	return gen;
}

static int tls_reserve(struct tmm_thread *t, unsigned int count)
{
	struct tmm_tls *tls;
	unsigned int old = t->tls ? t->tls->count : 0, i;

	if (old >= count)
		return 0;
	tls = realloc(t->tls, sizeof(*tls) + count * sizeof(tls->v[0]));
	if (!tls)
		return ENOMEM;
	for (i = old; i < count; i++)
		tls->v[i] = (struct tls_value){0, 0};
	tls->count = count;
	t->tls = tls;
	return 0;
}

TMM_API int tmm_setspecific(tmm_key_t key, const void *value)
{
	struct tmm_thread *self = tmm_current();
	unsigned int gen = key_gen(key);
	int err;

	if (!self || !gen)
		return EINVAL;
	err = tls_reserve(self, key + 1);
	if (err)
		return err;
	self->tls->v[key].value = (void *)value;
	self->tls->v[key].gen = gen;
	return 0;
}

TMM_API void *tmm_getspecific(tmm_key_t key)
{
	struct tmm_thread *self = tmm_current();
	unsigned int gen;

	/* Nothing stored under @key on this thread: no need for the keys' lock. */
	if (!self || !self->tls || key >= self->tls->count)
		return 0;
	gen = key_gen(key);
	if (!gen || self->tls->v[key].gen != gen)
		return 0;
	return self->tls->v[key].value;
}

/* One pass over the keys; returns how many destructors ran. */
static int destructor_pass(struct tmm_thread *t)
{
	unsigned int i;
	int ran = 0;

	for (i = 0; t->tls && i < t->tls->count; i++) {
		void (*destructor)(void *) = 0;
		void *value = t->tls->v[i].value;

		tmm_spin_lock(&keys_lock);
		if (keys[i].used && keys[i].gen == t->tls->v[i].gen)
			destructor = keys[i].destructor;
		tmm_spin_unlock(&keys_lock);
		if (!value || !destructor)
			continue;
		t->tls->v[i].value = 0;
		destructor(value);
		ran++;
	}
	return ran;
}

void tmm_tls_run_destructors(struct tmm_thread *t)
{
	int pass;

	if (!t->tls)
		return; /* never stored a value: nothing to destroy */
	for (pass = 0; pass < TMM_DESTRUCTOR_ITERATIONS; pass++)
		if (!destructor_pass(t))
			break;
}

void tmm_tls_free(struct tmm_thread *t)
{
	if (!t->tls)
		return;
	free(t->tls);
	t->tls = 0;
}
