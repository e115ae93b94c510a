/*
 * json.h — a small streaming JSON writer: commas and escaping are its
 * business, the shape is the caller's.
 */
#ifndef TMMSTAT_JSON_H
#define TMMSTAT_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	int count[JSON_MAX_DEPTH]; /* values written at each level */
};

void json_init(struct json *j, FILE *out);
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
/* @key is NULL inside an array. */
void json_string(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_i64(struct json *j, const char *key, int64_t value);
void json_null(struct json *j, const char *key);

#endif /* TMMSTAT_JSON_H */
