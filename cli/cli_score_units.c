/* cli_score_units.c - the units of `tradewar score`'s observed values, checked against the
 * model's data dictionary (tw_trade_indicator_list, the list `tradewar dictionary` prints).
 *
 * A unit is read as a quantity, a power of ten and a rate: "USD bn per month" is USD,
 * 10^9, per month. The dictionary gives a flow per day ("USD million per day") and the
 * observed file gives its total over the period, so a flow's value is scored in the
 * dictionary's unit without the rate ("USD million"); a level is scored in its own unit.
 * Known scalings of USD (thousand, million, bn, trillion) and tonnes (kg, kt) convert
 * exactly by a power of ten; a rate converts where the period makes it exact: per day
 * times the period's days, per week over an ISO week and per month over a calendar month
 * as the period's total. A rate per year over a month or a week has no exact meaning (x 12?
 * x days / 365?) and is refused, as is a unit of another quantity.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli_score_internal.h"
#include "tw_trade.h"

typedef enum { R_NONE, R_DAY, R_WEEK, R_MONTH, R_YEAR } units_rate;

typedef struct {
    char dim[128]; /* the quantity, lower case, one space between words ("usd", "percent") */
    int exp10;     /* the unit is 10^exp10 of the quantity's base */
    units_rate rate;
} units_unit;

static const struct {
    const char *name, *dim;
    int exp10;
} scaled[] = {
    {"usd", "usd", 0},           {"usd thousand", "usd", 3},  {"thousand usd", "usd", 3},
    {"usd k", "usd", 3},         {"usd million", "usd", 6},   {"million usd", "usd", 6},
    {"usd mn", "usd", 6},        {"usd mln", "usd", 6},       {"usd m", "usd", 6},
    {"usd bn", "usd", 9},        {"usd billion", "usd", 9},   {"billion usd", "usd", 9},
    {"usd tn", "usd", 12},       {"usd trillion", "usd", 12}, {"trillion usd", "usd", 12},
    {"tonnes", "tonnes", 0},     {"tonne", "tonnes", 0},      {"t", "tonnes", 0},
    {"metric tons", "tonnes", 0}, {"kg", "tonnes", -3},       {"kt", "tonnes", 3},
    {"thousand tonnes", "tonnes", 3}, {"%", "percent", 0},
};

static const struct {
    const char *suffix;
    units_rate rate;
} rates[] = {
    {" per day", R_DAY},     {"/day", R_DAY},     {"/d", R_DAY},
    {" per week", R_WEEK},   {"/week", R_WEEK},   {" per month", R_MONTH},
    {"/month", R_MONTH},     {" per year", R_YEAR}, {"/year", R_YEAR},
    {"/yr", R_YEAR},
};

/* s lower case, blanks collapsed to one space, none at either end. */
static void unit_parse(const char *s, units_unit *u) {
    size_t k = 0;
    for (; *s != '\0' && k + 1 < sizeof u->dim; s++) {
        if (isspace((unsigned char)*s)) {
            if (k > 0 && u->dim[k - 1] != ' ') u->dim[k++] = ' ';
        } else {
            u->dim[k++] = (char)tolower((unsigned char)*s);
        }
    }
    while (k > 0 && u->dim[k - 1] == ' ') k--;
    u->dim[k] = '\0';
    u->rate = R_NONE;
    u->exp10 = 0;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        size_t n = strlen(rates[i].suffix);
        if (k > n && strcmp(u->dim + k - n, rates[i].suffix) == 0) {
            u->dim[k - n] = '\0';
            u->rate = rates[i].rate;
            break;
        }
    }
    for (size_t i = 0; i < sizeof scaled / sizeof scaled[0]; i++)
        if (strcmp(u->dim, scaled[i].name) == 0) {
            snprintf(u->dim, sizeof u->dim, "%s", scaled[i].dim);
            u->exp10 = scaled[i].exp10;
            break;
        }
}

static const tw_measure_info *dict(const char *indicator) {
    const tw_measure_info *list;
    size_t n = tw_trade_indicator_list(&list);
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].name, indicator) == 0) return &list[i];
    return NULL;
}

/* A flow: summed over a period, its unit per day. */
static bool is_flow(const tw_measure_info *m, const units_unit *d) {
    return m->aggregation == TW_AGG_SUM && d->rate == R_DAY;
}

const char *tw__unit_scored(const char *indicator, char *buf, size_t n) {
    const tw_measure_info *m = dict(indicator);
    if (m == NULL) return strcpy(buf, "not in the dictionary");
    units_unit d;
    unit_parse(m->unit, &d);
    size_t len = strlen(m->unit);
    if (is_flow(m, &d) && len > 8 && strcmp(m->unit + len - 8, " per day") == 0) len -= 8;
    snprintf(buf, n, "%.*s", (int)len, m->unit);
    return buf;
}

/* The decimal number text times 10^shift, correctly rounded: the shift goes into the
 * exponent, so "37.1786" in USD bn is 37178.6 USD million exactly as if written so. */
static double shifted(const char *text, int shift) {
    const char *e = strpbrk(text, "eE");
    long ex = e != NULL ? strtol(e + 1, NULL, 10) : 0;
    size_t mant = e != NULL ? (size_t)(e - text) : strlen(text);
    char *buf = malloc(mant + 32);
    if (buf == NULL) return NAN;
    if (ex > 100000) ex = 100000;
    if (ex < -100000) ex = -100000;
    snprintf(buf, mant + 32, "%.*se%ld", (int)mant, text, ex + shift);
    double v = strtod(buf, NULL);
    free(buf);
    return v;
}

const char *tw__unit_convert(const char *indicator, const char *unit, tw_day d0, tw_day d1,
                             const char *text, double *y, char *why, size_t n) {
    double given = strtod(text, NULL);
    *y = given;
    const tw_measure_info *m = dict(indicator);
    if (unit == NULL || unit[0] == '\0' || m == NULL) return NULL;
    units_unit d, g;
    unit_parse(m->unit, &d);
    unit_parse(unit, &g);
    bool flow = is_flow(m, &d);
    char scored[256];
    tw__unit_scored(indicator, scored, sizeof scored);
    /* "percent" is any percentage the dictionary qualifies ("percent of GDP"). */
    bool same = strcmp(g.dim, d.dim) == 0 ||
                (strcmp(g.dim, "percent") == 0 && strncmp(d.dim, "percent ", 8) == 0);
    if (!same) {
        snprintf(why, n, "unit '%s' is not a unit of %s: expected %s%s (the data dictionary "
                         "gives %s in %s)", unit, indicator, scored,
                 flow ? " (the period's total), per day, or a known scaling of it" : "",
                 indicator, m->unit);
        return why;
    }
    double times = 1.0;
    int days = (int)(d1 - d0 + 1), y0, m0, dd0;
    tw_civil_from_day(d0, &y0, &m0, &dd0);
    if (flow) {
        switch (g.rate) {
        case R_NONE: break;
        case R_DAY: times = (double)days; break;
        case R_WEEK:
            if (days != 7 || tw_weekday(d0) != 1) {
                snprintf(why, n, "unit '%s' is a week's total and this row's period is not an ISO "
                                 "week (use --period week, or give %s over the period)", unit, scored);
                return why;
            }
            break;
        case R_MONTH:
            if (dd0 != 1 || days != tw_days_in_month(y0, m0)) {
                snprintf(why, n, "unit '%s' is a month's total and this row's period is not a "
                                 "calendar month (write the date YYYY-MM or use --period month, or "
                                 "give %s over the period)", unit, scored);
                return why;
            }
            break;
        case R_YEAR:
            snprintf(why, n, "unit '%s': a rate per year over a period of %d days has no exact "
                             "meaning (x 12? x days / 365?); expected %s, the period's total",
                     unit, days, scored);
            return why;
        }
    } else if (g.rate != d.rate) {
        snprintf(why, n, "unit '%s': %s is a level in %s, averaged over the period: expected %s",
                 unit, indicator, m->unit, scored);
        return why;
    }
    *y = (g.exp10 != d.exp10 ? shifted(text, g.exp10 - d.exp10) : given) * times;
    if (!isfinite(*y)) {
        snprintf(why, n, "%g %s is beyond the range of a double in %s", given, unit, scored);
        return why;
    }
    return NULL;
}
