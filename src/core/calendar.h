/* calendar.h — civil dates and days since the Unix epoch (proleptic
 * Gregorian, Howard Hinnant's algorithms): for exercise epochs (model),
 * log timestamps (telemetry) and query times (detect). Pure arithmetic. */
#ifndef SW_CALENDAR_H
#define SW_CALENDAR_H

#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (m 1-12, d 1-31; earlier dates negative). */
int64_t sw_days_from_civil(int64_t y, int64_t m, int64_t d);
/* The date of day z since 1970-01-01. */
void sw_civil_from_days(int64_t z, int *y, int *m, int *d);

#endif
