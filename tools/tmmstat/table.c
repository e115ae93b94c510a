/* table.c — see table.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "units.h"

struct table_row {
	char *cells[TABLE_MAX_COLS];
	int ncells;
	char *line; /* set for a free line */
};

void table_init(struct table *t, const char *const *heads, const char *align)
{
	memset(t, 0, sizeof(*t));
	while (t->ncols < TABLE_MAX_COLS && heads[t->ncols]) {
		t->heads[t->ncols] = heads[t->ncols];
		t->align[t->ncols] = align[t->ncols] == 'l' ? 'l' : 'r';
		t->ncols++;
	}
}

static struct table_row *new_row(struct table *t)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct table_row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	memset(&t->rows[t->nrows], 0, sizeof(t->rows[0]));
	return &t->rows[t->nrows++];
}

int table_row(struct table *t)
{
	return new_row(t) ? 0 : ENOMEM;
}

int table_cell(struct table *t, const char *fmt, ...)
{
	struct table_row *r = t->nrows ? &t->rows[t->nrows - 1] : NULL;
	va_list ap;
	char *text;
	int n;

	if (!r || r->line || r->ncells >= t->ncols)
		return EINVAL;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ENOMEM;
	r->cells[r->ncells++] = text;
	return 0;
}

int table_line(struct table *t, const char *fmt, ...)
{
	struct table_row *r = new_row(t);
	va_list ap;
	int n;

	if (!r)
		return ENOMEM;
	va_start(ap, fmt);
	n = vasprintf(&r->line, fmt, ap);
	va_end(ap);
	if (n < 0) {
		r->line = NULL;
		t->nrows--;
		return ENOMEM;
	}
	return 0;
}

static void put_padded(FILE *out, const char *s, size_t width, char align, int last)
{
	size_t pad = width - display_width(s);

	if (align == 'r')
		fprintf(out, "%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, out);
	else
		fprintf(out, "%s%*s", s, (int)pad, "");
}

static void put_cells(const struct table *t, FILE *out, const char *const *cells, int n,
		      const size_t *width)
{
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputs("  ", out);
		put_padded(out, c < n && cells[c] ? cells[c] : "", width[c], t->align[c],
			   c == t->ncols - 1);
	}
	fputc('\n', out);
}

void table_print(const struct table *t, FILE *out)
{
	size_t width[TABLE_MAX_COLS];

	for (int c = 0; c < t->ncols; c++)
		width[c] = display_width(t->heads[c]);
	for (size_t i = 0; i < t->nrows; i++)
		for (int c = 0; c < t->rows[i].ncells; c++)
			if (display_width(t->rows[i].cells[c]) > width[c])
				width[c] = display_width(t->rows[i].cells[c]);
	put_cells(t, out, t->heads, t->ncols, width);
	for (size_t i = 0; i < t->nrows; i++) {
		if (t->rows[i].line)
			fprintf(out, "%s\n", t->rows[i].line);
		else
			put_cells(t, out, (const char *const *)t->rows[i].cells, t->rows[i].ncells,
				  width);
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (int c = 0; c < t->rows[i].ncells; c++)
			free(t->rows[i].cells[c]);
		free(t->rows[i].line);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
