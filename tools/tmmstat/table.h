/*
 * table.h — aligned columns: cells are collected first, widths measured
 * (in terminal columns, so "µs" counts as two), then printed.
 */
#ifndef TMMSTAT_TABLE_H
#define TMMSTAT_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS 24

struct table_row;

struct table {
	int ncols;
	const char *heads[TABLE_MAX_COLS];
	char align[TABLE_MAX_COLS]; /* 'l' or 'r' */
	struct table_row *rows;
	size_t nrows, cap;
};

/* @columns: "TID:r COMM:l ..." — heads and alignment, space separated. */
void table_init(struct table *t, const char *const *heads, const char *align);
/* Starts a row; then table_cell() ncols times. */
int table_row(struct table *t);
int table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A line printed as is between rows (not measured). */
int table_line(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif /* TMMSTAT_TABLE_H */
