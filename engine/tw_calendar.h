/* tw_calendar.h - calendar days.
 *
 * A day is an int32 count of days since 1970-01-01 in the proleptic Gregorian calendar
 * (1970-01-01 is 0, 1969-12-31 is -1). Scenarios speak in ISO dates (YYYY-MM-DD); the
 * simulation steps one day at a time. All functions are pure and thread-safe.
 */
#ifndef TW_CALENDAR_H
#define TW_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t tw_day;

#define TW_DATE_STRLEN 11 /* "YYYY-MM-DD" plus NUL */
#define TW_YEAR_MIN 1
#define TW_YEAR_MAX 9999

/* true for a Gregorian leap year. */
bool tw_is_leap_year(int year);

/* Days in the month (1..12) of the year; 0 for a bad month. */
int tw_days_in_month(int year, int month);

/* Day number of a valid civil date (no range check; see tw_date_valid). */
tw_day tw_day_from_civil(int year, int month, int dom);

/* The civil date of a day number. */
void tw_civil_from_day(tw_day day, int *year, int *month, int *dom);

/* true if year is in [TW_YEAR_MIN, TW_YEAR_MAX], month in 1..12 and dom exists. */
bool tw_date_valid(int year, int month, int dom);

/* Parse exactly "YYYY-MM-DD" (four-digit year, two-digit month and day, nothing else).
 * Returns true and sets *day for a date that exists; false otherwise (*day untouched). */
bool tw_date_parse(const char *text, tw_day *day);

/* Write "YYYY-MM-DD" into buf (at least TW_DATE_STRLEN bytes); returns buf. */
char *tw_date_format(tw_day day, char buf[TW_DATE_STRLEN]);

/* ISO weekday: 1 Monday .. 7 Sunday. */
int tw_weekday(tw_day day);

/* true on Monday to Friday. */
bool tw_is_working_day(tw_day day);

#endif
