/*
 * json_check.h — a strict little JSON parser for the tmmstat tests: the
 * whole text must be one valid JSON value (RFC 8259: no trailing commas,
 * no bare words, escapes checked); values are then looked up by key.
 * Numbers are kept as unsigned 64-bit integers when they are ones.
 */
#ifndef TMM_SELFTEST_JSON_CHECK_H
#define TMM_SELFTEST_JSON_CHECK_H

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	uint64_t num; /* J_NUM (integers), J_BOOL */
	int negative;
	char *str;	     /* J_STR */
	char **keys;	     /* J_OBJ */
	struct jval **items; /* J_ARR, J_OBJ */
	size_t n;
};

struct jparser {
	const char *p;
	int depth;
};

static inline struct jval *j_value(struct jparser *jp);

static inline void j_ws(struct jparser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

static inline struct jval *j_new(enum jtype type)
{
	struct jval *v = calloc(1, sizeof(*v));

	if (v)
		v->type = type;
	return v;
}

static inline void j_free(struct jval *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		j_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

/* A string body after the opening quote; NULL on any invalid byte. */
static inline char *j_string(struct jparser *jp)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);

	while (s && *jp->p != '"') {
		char c = *jp->p++;

		if ((unsigned char)c < 0x20)
			return free(s), NULL;
		if (c == '\\') {
			c = *jp->p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)*jp->p++))
						return free(s), NULL;
				c = '?';
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return free(s), NULL;
			}
		}
		if (n + 2 > cap && !(s = realloc(s, cap *= 2)))
			return NULL;
		s[n++] = c;
	}
	if (!s)
		return NULL;
	jp->p++;
	s[n] = '\0';
	return s;
}

static inline int j_push(struct jval *v, char *key, struct jval *item)
{
	struct jval **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return -1;
	v->items = items;
	if (v->type == J_OBJ) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static inline struct jval *j_container(struct jparser *jp, int object)
{
	struct jval *v = j_new(object ? J_OBJ : J_ARR);
	char close = object ? '}' : ']';

	if (!v || ++jp->depth > 64)
		return j_free(v), NULL;
	j_ws(jp);
	if (*jp->p == close) {
		jp->p++;
		jp->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jval *item;

		j_ws(jp);
		if (object) {
			if (*jp->p++ != '"' || !(key = j_string(jp)))
				return j_free(v), NULL;
			j_ws(jp);
			if (*jp->p++ != ':')
				return free(key), j_free(v), NULL;
		}
		item = j_value(jp);
		if (!item || j_push(v, key, item))
			return free(key), j_free(item), j_free(v), NULL;
		j_ws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p++ != close)
			return j_free(v), NULL;
		jp->depth--;
		return v;
	}
}

static inline struct jval *j_number(struct jparser *jp)
{
	struct jval *v = j_new(J_NUM);
	const char *start = jp->p;

	if (!v)
		return NULL;
	if (*jp->p == '-') {
		v->negative = 1;
		jp->p++;
	}
	if (!isdigit((unsigned char)*jp->p) ||
	    (jp->p[0] == '0' && isdigit((unsigned char)jp->p[1])))
		return j_free(v), NULL;
	v->num = strtoull(jp->p, (char **)&jp->p, 10);
	if (*jp->p == '.' || *jp->p == 'e' || *jp->p == 'E') {
		strtod(start, (char **)&jp->p);
		v->num = 0;
	}
	return v;
}

static inline struct jval *j_value(struct jparser *jp)
{
	struct jval *v;

	j_ws(jp);
	switch (*jp->p) {
	case '{':
		jp->p++;
		return j_container(jp, 1);
	case '[':
		jp->p++;
		return j_container(jp, 0);
	case '"':
		jp->p++;
		v = j_new(J_STR);
		if (v && !(v->str = j_string(jp)))
			return j_free(v), NULL;
		return v;
	case 'n':
		if (strncmp(jp->p, "null", 4))
			return NULL;
		jp->p += 4;
		return j_new(J_NULL);
	case 't':
	case 'f':
		v = j_new(J_BOOL);
		if (v && strncmp(jp->p, "true", 4) == 0) {
			v->num = 1;
			jp->p += 4;
		} else if (v && strncmp(jp->p, "false", 5) == 0) {
			jp->p += 5;
		} else {
			return j_free(v), NULL;
		}
		return v;
	default:
		return j_number(jp);
	}
}

/* The one value in @text (trailing whitespace allowed), or NULL. */
static inline struct jval *json_parse(const char *text)
{
	struct jparser jp = {text, 0};
	struct jval *v = j_value(&jp);

	j_ws(&jp);
	if (v && *jp.p) {
		j_free(v);
		return NULL;
	}
	return v;
}

/* The member @key of an object, or NULL. */
static inline struct jval *jget(const struct jval *obj, const char *key)
{
	for (size_t i = 0; obj && obj->type == J_OBJ && i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

static inline uint64_t jnum(const struct jval *obj, const char *key)
{
	const struct jval *v = jget(obj, key);

	return v && v->type == J_NUM ? v->num : UINT64_MAX;
}

static inline const char *jstr(const struct jval *obj, const char *key)
{
	const struct jval *v = jget(obj, key);

	return v && v->type == J_STR ? v->str : NULL;
}

#endif /* TMM_SELFTEST_JSON_CHECK_H */
