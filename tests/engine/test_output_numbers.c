/* Tests for tw_format_double (tw_output.c): the text every output file writes for a number,
 * which datapackage.json declares as Table Schema numbers: NaN as "nan" (a missing value
 * there), the infinities as Table Schema spells them ("INF", "-INF"), no "-0", and the
 * shortest %.10g for the rest, which strtod reads back. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The formatter computes %.10g itself (tw_output.c, format_10g); its text must be
 * snprintf's to the byte, whatever the number: values of every magnitude, the two styles'
 * borders, rounding to the next power of ten, and exact ties at the tenth digit (rounded
 * half to even on the binary value, as glibc does). */
static void same_as_printf(double v) {
    if (!isfinite(v)) return; /* spelt as Table Schema does, above */
    char want[64];
    snprintf(want, sizeof want, "%.10g", v == 0.0 ? 0.0 : v);
    const char *got = fmt(v);
    cr_assert_str_eq(got, want, "%.17g: \"%s\", snprintf \"%s\"", v, got, want);
}

static uint64_t xorshift(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

Test(format_double, borders_and_ties_as_printf) {
    static const double cases[] = {
        1e10, 9999999999.0, 9999999999.5, 9999999998.5, 99999999995.0, 1e-4, 1e-5,
        0.000099999999995, 0.00009999999999, 123456789012.0, 12345678905.0, 12345678915.0,
        12345678925.0, 0.5, 1.5, 2.5, 1e-18, 1e-19, 9.999999999e36, 1e37, 1e38, 1e100,
        1e-100, 4.9e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1.0, 10.0, 0.1,
        0.30000000000000004, 1234567890.0, 1234567890.5, 1234567891.5, 123.4567890125,
        -0.000123456789, 7e22, 6.02214076e23};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        same_as_printf(cases[i]);
        same_as_printf(-cases[i]);
        same_as_printf(nextafter(cases[i], INFINITY));
        same_as_printf(nextafter(cases[i], 0.0));
    }
    for (int e = -30; e <= 40; e++) { /* every power of ten and its neighbours */
        double p = pow(10.0, e);
        same_as_printf(p);
        same_as_printf(nextafter(p, INFINITY));
        same_as_printf(nextafter(p, 0.0));
        same_as_printf(p * (1.0 - 5e-11));
        same_as_printf(p * (1.0 + 5e-11));
    }
}

Test(format_double, many_numbers_as_printf) {
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < 300000; i++) {
        uint64_t r = xorshift(&s);
        double v;
        switch (i % 6) {
        case 0: { /* any bit pattern */
            uint64_t bits = xorshift(&s);
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v)) continue;
            break;
        }
        case 1: v = (double)(r % 100000000000000ull); break;         /* integers */
        case 2: v = (double)(10000000000ull + r % 90000000000ull); break; /* 11 digits: ties */
        case 3: v = ldexp((double)(r >> 11), (int)(xorshift(&s) % 160) - 173); break;
        case 4: v = (double)(r % 100000000000ull) / 1e3; break;
        default: /* halfway between two ten-digit numbers, then scaled */
            v = ((double)(1000000000ull + r % 9000000000ull) + 0.5) *
                pow(10.0, (int)(xorshift(&s) % 30) - 24);
        }
        same_as_printf(v);
        same_as_printf(-v);
    }
}
