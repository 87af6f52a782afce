/* tw_calendar.c - ISO dates to day numbers and back.
 *
 * The conversions use the era-based algorithm for the proleptic Gregorian calendar
 * (400-year eras of 146097 days, March-based years so that the leap day falls last),
 * which needs no tables and no loops and is exact for every year we accept.
 */
#include "tw_calendar.h"

#include <ctype.h>
#include <stddef.h>

bool tw_is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int tw_days_in_month(int year, int month) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    if (month == 2 && tw_is_leap_year(year)) return 29;
    return days[month - 1];
}

tw_day tw_day_from_civil(int year, int month, int dom) {
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;                                        /* [0, 399] */
    int mp = (month + 9) % 12;                                      /* March = 0 */
    int doy = (153 * mp + 2) / 5 + dom - 1;                         /* [0, 365] */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                /* [0, 146096] */
    return (tw_day)(era * 146097 + doe - 719468);
}

void tw_civil_from_day(tw_day day, int *year, int *month, int *dom) {
    int z = (int)day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (m <= 2);
    *month = m;
    *dom = d;
}

bool tw_date_valid(int year, int month, int dom) {
    if (year < TW_YEAR_MIN || year > TW_YEAR_MAX) return false;
    if (month < 1 || month > 12) return false;
    return dom >= 1 && dom <= tw_days_in_month(year, month);
}

static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool tw_date_parse(const char *text, tw_day *day) {
    if (text == NULL) return false;
    for (int i = 0; i < 10; i++)
        if (text[i] == '\0') return false;
    if (text[10] != '\0' || text[4] != '-' || text[7] != '-') return false;
    int y = digits(text, 4), m = digits(text + 5, 2), d = digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !tw_date_valid(y, m, d)) return false;
    *day = tw_day_from_civil(y, m, d);
    return true;
}

char *tw_date_format(tw_day day, char buf[TW_DATE_STRLEN]) {
    int y, m, d;
    tw_civil_from_day(day, &y, &m, &d);
    /* Years outside 0..9999 cannot come from tw_date_parse; clamp the width anyway. */
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

int tw_weekday(tw_day day) {
    /* 1970-01-01 was a Thursday (ISO 4). */
    int w = (int)(((int64_t)day % 7 + 7 + 3) % 7); /* Monday = 0 */
    return w + 1;
}

bool tw_is_working_day(tw_day day) { return tw_weekday(day) <= 5; }
