/* Calendar: ISO dates to day numbers and back, edge dates, weekdays. */
#include <criterion/criterion.h>
#include <string.h>

#include "tw_calendar.h"

Test(calendar, epoch_and_known_days) {
    tw_day d;
    cr_assert(tw_date_parse("1970-01-01", &d));
    cr_assert_eq(d, 0);
    cr_assert(tw_date_parse("1969-12-31", &d));
    cr_assert_eq(d, -1);
    cr_assert(tw_date_parse("2000-03-01", &d));
    cr_assert_eq(d, 11017);
    cr_assert(tw_date_parse("2025-05-14", &d));
    cr_assert_eq(d, 20222);
}

Test(calendar, round_trip_every_day_from_year_1_to_9999) {
    tw_day lo = tw_day_from_civil(1, 1, 1), hi = tw_day_from_civil(9999, 12, 31);
    char buf[TW_DATE_STRLEN];
    int py = 1, pm = 1, pd = 0;
    for (tw_day d = lo; d <= hi; d++) {
        int y, m, dd;
        tw_civil_from_day(d, &y, &m, &dd);
        cr_assert(tw_date_valid(y, m, dd), "day %d", d);
        cr_assert_eq(tw_day_from_civil(y, m, dd), d);
        /* consecutive days are consecutive dates */
        bool next = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1) ||
                    (y == py + 1 && m == 1 && dd == 1);
        cr_assert(d == lo || next, "day %d follows %d-%d-%d with %d-%d-%d", d, py, pm, pd, y, m, dd);
        py = y;
        pm = m;
        pd = dd;
        if (d % 997 == 0) {
            tw_day back;
            cr_assert(tw_date_parse(tw_date_format(d, buf), &back));
            cr_assert_eq(back, d);
        }
    }
}

Test(calendar, leap_years_and_month_ends) {
    tw_day d;
    cr_assert(tw_date_parse("2024-02-29", &d));
    cr_assert(tw_date_parse("2000-02-29", &d));
    cr_assert_not(tw_date_parse("1900-02-29", &d));
    cr_assert_not(tw_date_parse("2025-02-29", &d));
    cr_assert_not(tw_date_parse("2025-04-31", &d));
    cr_assert(tw_date_parse("2025-12-31", &d));
    cr_assert(tw_date_parse("0001-01-01", &d));
    cr_assert(tw_date_parse("9999-12-31", &d));
    cr_assert_eq(tw_days_in_month(2024, 2), 29);
    cr_assert_eq(tw_days_in_month(2100, 2), 28);
}

Test(calendar, malformed_dates_are_refused) {
    const char *bad[] = {"", "2025-5-14", "2025-05-4", "2025/05/14", "2025-05-14x", "25-05-14",
                         "2025-00-10", "2025-13-01", "2025-01-00", "0000-01-01", "abcd-ef-gh",
                         " 2025-05-14", "2025-05-14 ", "+025-05-14"};
    tw_day d = 12345;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_not(tw_date_parse(bad[i], &d), "accepted '%s'", bad[i]);
        cr_assert_eq(d, 12345);
    }
    cr_assert_not(tw_date_parse(NULL, &d));
}

Test(calendar, weekdays_and_working_days) {
    tw_day d;
    cr_assert(tw_date_parse("2025-05-14", &d));
    cr_assert_eq(tw_weekday(d), 3); /* Wednesday */
    cr_assert(tw_date_parse("1970-01-01", &d));
    cr_assert_eq(tw_weekday(d), 4); /* Thursday */
    cr_assert(tw_date_parse("1969-12-28", &d));
    cr_assert_eq(tw_weekday(d), 7); /* Sunday, before the epoch */
    cr_assert(tw_date_parse("2025-06-07", &d));
    cr_assert_not(tw_is_working_day(d)); /* Saturday */
    cr_assert(tw_is_working_day(d + 2)); /* Monday */
}
