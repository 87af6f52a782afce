/* Tests for tw_format_double (tw_output.c): the text every output file writes for a number,
 * which datapackage.json declares as Table Schema numbers: NaN as "nan" (a missing value
 * there), the infinities as Table Schema spells them ("INF", "-INF"), no "-0", and the
 * shortest %.10g for the rest, which strtod reads back. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "tw_output.h"

static const char *fmt(double v) {
    static char buf[64];
    tw_format_double(buf, sizeof buf, v);
    return buf;
}

Test(format_double, special_values_in_table_schema_spelling) {
    cr_assert_str_eq(fmt(NAN), "nan");
    cr_assert_str_eq(fmt(INFINITY), "INF");
    cr_assert_str_eq(fmt(-INFINITY), "-INF");
    cr_assert_str_eq(fmt(-0.0), "0");
}

Test(format_double, numbers_read_back) {
    cr_assert_str_eq(fmt(403.729), "403.729");
    cr_assert_str_eq(fmt(1.0 / 3.0), "0.3333333333");
    cr_assert_str_eq(fmt(-2.5e-12), "-2.5e-12");
    /* strtod reads the infinities back */
    cr_assert(isinf(strtod(fmt(INFINITY), NULL)) && strtod(fmt(INFINITY), NULL) > 0);
    cr_assert(isinf(strtod(fmt(-INFINITY), NULL)) && strtod(fmt(-INFINITY), NULL) < 0);
}
