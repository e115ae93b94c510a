/* units.c — human units for nanosecond durations. */
#include <inttypes.h>
#include <stdio.h>

#include "units.h"

#define NS_US UINT64_C(1000)
#define NS_MS UINT64_C(1000000)
#define NS_S UINT64_C(1000000000)

/* Three significant digits: 1.23, 12.3, 123. */
static void three_digits(char *buf, double v, const char *unit)
{
	if (v < 9.995)
		snprintf(buf, UNITS_LEN, "%.2f%s", v, unit);
	else if (v < 99.95)
		snprintf(buf, UNITS_LEN, "%.1f%s", v, unit);
	else
		snprintf(buf, UNITS_LEN, "%.0f%s", v, unit);
}

const char *format_ns(uint64_t ns, char buf[UNITS_LEN])
{
	if (ns == 0)
		snprintf(buf, UNITS_LEN, "0");
	else if (ns < NS_US)
		snprintf(buf, UNITS_LEN, "%" PRIu64 "ns", ns);
	else if (ns < 999500ull)
		three_digits(buf, (double)ns / NS_US, "µs");
	else if (ns < 999500000ull)
		three_digits(buf, (double)ns / NS_MS, "ms");
	else if (ns < 60 * NS_S)
		three_digits(buf, (double)ns / NS_S, "s");
	else if (ns < 3600 * NS_S)
		snprintf(buf, UNITS_LEN, "%" PRIu64 "m%02" PRIu64 "s", ns / (60 * NS_S),
			 ns / NS_S % 60);
	else
		snprintf(buf, UNITS_LEN, "%" PRIu64 "h%02" PRIu64 "m", ns / (3600 * NS_S),
			 ns / (60 * NS_S) % 60);
	return buf;
}

size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}
