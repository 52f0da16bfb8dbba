/*
** Clocks, named for what they measure.  fw_clock_monotonic is for intervals,
** deadlines and expiry (never goes back, unrelated to the date);
** fw_clock_wall is the date, for what is written down or shown (can jump
** when the system clock is set).
*/
#ifndef FW_CLOCK_H
#define FW_CLOCK_H

#include <time.h>

/* Seconds on the monotonic clock since an arbitrary start. */
double fw_clock_monotonic(void);

/* Seconds since 1970-01-01T00:00:00Z, with a fraction. */
double fw_clock_wall(void);

/* Whole seconds since 1970-01-01T00:00:00Z (time(NULL)). */
time_t fw_clock_wall_seconds(void);

#endif
