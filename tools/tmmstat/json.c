/* json.c — see json.h. */
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->count[0] = 0;
}

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* The comma and the key before a value. */
static void prefix(struct json *j, const char *key)
{
	if (j->count[j->depth]++)
		fputc(',', j->out);
	if (key) {
		put_escaped(j->out, key);
		fputc(':', j->out);
	}
}

static void open_level(struct json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->count[++j->depth] = 0;
}

static void close_level(struct json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0) {
		fputc('\n', j->out); /* one document per line: JSON Lines */
		j->count[0] = 0;
	}
}

void json_begin_object(struct json *j, const char *key)
{
	open_level(j, key, '{');
}

void json_end_object(struct json *j)
{
	close_level(j, '}');
}

void json_begin_array(struct json *j, const char *key)
{
	open_level(j, key, '[');
}

void json_end_array(struct json *j)
{
	close_level(j, ']');
}

void json_string(struct json *j, const char *key, const char *value)
{
	prefix(j, key);
	put_escaped(j->out, value);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
	prefix(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void json_i64(struct json *j, const char *key, int64_t value)
{
	prefix(j, key);
	fprintf(j->out, "%" PRId64, value);
}

void json_null(struct json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->out);
}
