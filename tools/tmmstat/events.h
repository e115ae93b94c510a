/* events.h — one line per exit event (watch), in text or JSON Lines. */
#ifndef TMMSTAT_EVENTS_H
#define TMMSTAT_EVENTS_H

#include <stdio.h>

#include "nl.h"

void print_event(FILE *out, const struct tmm_event *ev, int json);

#endif /* TMMSTAT_EVENTS_H */
