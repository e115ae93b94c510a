/* units.h — durations and counts as a person reads them. */
#ifndef TMMSTAT_UNITS_H
#define TMMSTAT_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define UNITS_LEN 24

/* "0", "850ns", "12.3µs", "4.56ms", "1.23s", "2m03s", "5h12m". */
const char *format_ns(uint64_t ns, char buf[UNITS_LEN]);

/* Columns a UTF-8 string takes on a terminal (µ is one column, two bytes). */
size_t display_width(const char *s);

#endif /* TMMSTAT_UNITS_H */
