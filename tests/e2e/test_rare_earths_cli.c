/* test_rare_earths_cli.c - end-to-end tests of export controls and rare-earth shortages:
 * the real program on the real scenario files (rare-earth-halt.yaml,
 * rare-earth-licensing-2025.yaml, history-2025-four.yaml) and on scenarios written here.
 *
 * What is checked:
 *   - the halt scenario: no shipments to the US while the halt lasts, the backlog ships on
 *     the day it ends, US vehicle output falls once stocks run out and recovers one
 *     shipping lag after the reopening, the EU is untouched, and the terminal report says
 *     when US vehicle output starts to fall and how far;
 *   - a longer halt costs more (peak loss, shortage days, GDP);
 *   - the halted share of homogeneous firms under a halt from the first day follows its
 *     closed form, read back from summary.csv;
 *   - same seed, same bytes for 1 and 3 threads, at replicate and agent level;
 *   - malformed rare_earths and export_controls keys: exit 2, file:line:col, no output.
 * Runs are small (importer firms.per_cell=100, a few replicates).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_calendar.h"
#include "tw_test_support.h"

#define HALT "scenarios/rare-earth-halt.yaml"

static void tmp_setup(void) { cr_assert(tw_scratch_open(), "cannot create a temporary directory"); }
static void tmp_teardown(void) { tw_scratch_close(); }
#define in_tmp tw_scratch_path

static char *slurp_in(const char *dir, const char *file) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", in_tmp(dir), file);
    char *text = tw_slurp(path, NULL);
    cr_assert_not_null(text, "cannot read %s", path);
    return text;
}

/* Run the program; returns the captured process (caller frees). */
static tw_proc run(const char *const *args) {
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, args), 0, "cannot start the program");
    return p;
}

static void run_ok(const char *const *args) {
    tw_proc p = run(args);
    cr_assert_eq(p.exit_code, 0, "exit %d, stderr: %s", p.exit_code, p.err);
    tw_proc_free(&p);
}

static double cell(const char *csv, const char *date, const char *ind, const char *r,
                   const char *o, const char *s, const char *col) {
    double v;
    cr_assert(tw_summary_value(csv, date, ind, r, o, s, col, &v), "no row %s %s %s %s %s", date,
              ind, r, o, s);
    return v;
}

/* The sum of the mean over the days of `year` of the summary rows whose fields after the
 * date are `key` (",indicator,region,partner,sector,"), which must be there on `days` days.
 * One pass over the file: a lookup a day from its top was quadratic in its length. */
static double year_total(const char *csv, const char *year, const char *key, int days) {
    size_t yl = strlen(year), kl = strlen(key);
    double sum = 0.0;
    int found = 0;
    for (const char *l = strchr(csv, '\n'); l != NULL; l = strchr(l + 1, '\n')) {
        const char *row = l + 1; /* date,indicator,region,partner,sector,mean,... */
        if (strncmp(row, year, yl) == 0 && row[yl] == '-' && strncmp(row + 10, key, kl) == 0) {
            sum += strtod(row + 10 + kl, NULL);
            found++;
        }
    }
    cr_assert_eq(found, days, "%s rows of %s in %s", year, key, "summary.csv");
    return sum;
}

static void date_of(int day_offset, const char *start, char *out) {
    tw_day d;
    cr_assert(tw_date_parse(start, &d));
    tw_date_format(d + day_offset, out);
}

/* Column `col` of replicates.csv (header names it) for each row; returns the row count. */
static int replicate_column(const char *csv, const char *col, double *out, int max) {
    const char *line = csv;
    int idx = -1, k = 0;
    const char *h = line;
    for (const char *f = h; *f && *f != '\n'; k++) {
        size_t len = strcspn(f, ",\n");
        if (len == strlen(col) && strncmp(f, col, len) == 0) idx = k;
        f += len;
        if (*f == ',') f++;
    }
    cr_assert_geq(idx, 0, "replicates.csv has no column %s", col);
    int n = 0;
    for (line = strchr(csv, '\n'); line != NULL && line[1] != '\0' && n < max;
         line = strchr(line + 1, '\n')) {
        const char *f = line + 1;
        for (int i = 0; i < idx; i++) f = strchr(f, ',') + 1;
        out[n++] = strtod(f, NULL);
    }
    return n;
}

/* ---------------------------------------------------------------------------------- */

TestSuite(re_cli, .init = tmp_setup, .fini = tmp_teardown, .timeout = 300);

/* The halt of rare-earth-halt.yaml: 4 April 2025 for 60 days, so the last halted day is
 * 2 June and trade is open from 3 June; the shipping lag to the US is 16 days. */
Test(re_cli, halt_scenario_stops_us_shipments_and_vehicle_output_then_recovers) {
    const char *args[] = {"run", tw_src(HALT), "-n", "4", "--set", "firms.per_cell=100",
                          "--set", "rare_earths.per_cell=1500", "-o", in_tmp("halt"),
                          "--tables", NULL};
    tw_proc p = run(args);
    cr_assert_eq(p.exit_code, 0, "exit %d: %s", p.exit_code, p.err);
    cr_assert_not_null(strstr(p.out, "Rare-earth magnets, China -> US"), "%s", p.out);
    const char *onset = strstr(p.out, "US vehicle output starts to fall");
    cr_assert_not_null(onset, "no onset line:\n%s", p.out);
    cr_assert_not_null(strstr(onset, "in 4 of 4 replicates"), "%s", onset);
    cr_assert_not_null(strstr(p.out, "peak US vehicle output loss"), "%s", p.out);
    char *csv = slurp_in("halt", "summary.csv");
    char day[16];
    for (int t = 0; t < 60; t++) {
        date_of(t, "2025-04-04", day);
        cr_assert_eq(cell(csv, day, "re_shipments", "US", "CN", "all", "mean"), 0.0, "%s", day);
        cr_assert_eq(cell(csv, day, "re_regime_halt", "US", "CN", "all", "mean"), 1.0, "%s", day);
        cr_assert_eq(cell(csv, day, "re_licence_approvals", "US", "CN", "all", "mean"), 0.0);
    }
    cr_assert_gt(cell(csv, "2025-04-03", "re_shipments", "US", "CN", "all", "mean") +
                     cell(csv, "2025-04-02", "re_shipments", "US", "CN", "all", "mean") +
                     cell(csv, "2025-04-01", "re_shipments", "US", "CN", "all", "mean"),
                 0.0, "shipments before the halt");
    cr_assert_eq(cell(csv, "2025-06-03", "re_regime_open", "US", "CN", "all", "mean"), 1.0);
    cr_assert_eq(cell(csv, "2025-06-03", "re_regime_halt", "US", "CN", "all", "mean"), 0.0);
    /* The backlog of applications ships on the first open day: weeks of orders at once. */
    double backlog = cell(csv, "2025-06-03", "re_shipments", "US", "CN", "all", "mean");
    cr_assert_gt(backlog, 10.0 * 19.7, "backlog shipped on 3 June: %g t", backlog);
    cr_assert_eq(cell(csv, "2025-04-04", "output_loss", "US", "all", "vehicles", "mean"), 0.0);
    double worst = cell(csv, "2025-06-15", "output_loss", "US", "all", "vehicles", "mean");
    cr_assert_gt(worst, 10.0, "US vehicle output loss on 15 June: %g%%", worst);
    cr_assert_lt(worst, 100.0, "combustion lines keep running on the free channels");
    cr_assert_lt(cell(csv, "2025-06-15", "gdp", "US", "all", "all", "mean"), 0.0);
    /* Shipments of 3 June arrive on 19 June: no line stops, and lost output is being
     * made up (net loss below zero). */
    cr_assert_eq(cell(csv, "2025-06-19", "output_loss_gross", "US", "all", "vehicles", "mean"), 0.0);
    cr_assert_lt(cell(csv, "2025-06-19", "output_loss", "US", "all", "vehicles", "mean"), 0.0);
    cr_assert_eq(cell(csv, "2025-06-19", "re_firms_halted", "US", "CN", "all", "p95"), 0.0);
    for (int t = 0; t < 200; t += 7) {
        date_of(t, "2025-03-01", day);
        cr_assert_eq(cell(csv, day, "output_loss", "EU", "all", "vehicles", "p95"), 0.0, "%s", day);
    }
    /* The block by destination, a pair of columns for each importer of the world (nine
     * here: US first, ROW last) and all destinations: March is open (China's shipments
     * near their 2024 level), May is halted toward the US all month (only magnets outside
     * the controls' scope go to the US, the total is below 2024's). */
    const char *blk = strstr(p.out, "Rare-earth magnets by destination");
    cr_assert_not_null(blk, "%s", p.out);
    const char *heads[] = {"US<-CN t", "EU<-CN t", "MX<-CN t", "CA<-CN t", "JP<-CN t",
                           "KR<-CN t", "VN<-CN t", "ROW<-CN t"};
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
        cr_assert_not_null(strstr(blk, heads[k]), "%s: %s", heads[k], blk);
    enum { NV = 2 * 8 + 2 };
    double mar[NV], may[NV];
    const char *at[2] = {strstr(blk, "\n2025-03"), strstr(blk, "\n2025-05")};
    for (int k = 0; k < 2; k++) {
        double *v = k == 0 ? mar : may;
        cr_assert_not_null(at[k], "%s", blk);
        char *end = (char *)at[k] + 8;
        for (int i = 0; i < NV; i++) {
            char *next;
            v[i] = strtod(end, &next);
            cr_assert(next != end, "value %d of %.200s", i, at[k]);
            end = next;
        }
        cr_assert(*end == '\n', "more columns than the nine regions': %.200s", at[k]);
        double sum = 0.0;
        for (int i = 1; i < NV - 2; i += 2) sum += v[i];
        cr_assert_lt(fabs(v[NV - 2] - sum), 4.5, "the total is the destinations' sum");
    }
    cr_assert_lt(fabs(mar[NV - 1] - 100.0), 10.0, "March against 2024: %g%%", mar[NV - 1]);
    cr_assert_lt(may[1], 0.3 * mar[1], "May shipments to the US under the halt: %g t", may[1]);
    cr_assert_gt(may[0], 0.0, "US vehicle output stopped in May");
    cr_assert_lt(may[NV - 1], 95.0, "May against 2024: %g%%", may[NV - 1]);
    /* The onset outcome: days from 1 March, after the halt began and before it ended. */
    char *reps = slurp_in("halt", "replicates.csv");
    double first[8];
    int n = replicate_column(reps, "re_us_vehicles_first_loss_day", first, 8);
    cr_assert_eq(n, 4);
    for (int i = 0; i < n; i++) cr_assert(first[i] > 34 && first[i] < 94, "onset day %g", first[i]);
    free(reps);
    free(csv);
    tw_proc_free(&p);
}

Test(re_cli, a_longer_halt_costs_more) {
    const char *durations[] = {"20", "60", "90"};
    double peak[3], days[3], gdp[3];
    for (int i = 0; i < 3; i++) {
        char set[64], dir[16];
        snprintf(set, sizeof set, "export_controls[0].duration_days=%s", durations[i]);
        snprintf(dir, sizeof dir, "d%s", durations[i]);
        const char *args[] = {"run", tw_src(HALT), "-n", "3", "--set", "firms.per_cell=100",
                              "--set", "rare_earths.per_cell=1000", "--set", set, "-o",
                              in_tmp(dir), "--quiet", NULL};
        run_ok(args);
        char *reps = slurp_in(dir, "replicates.csv");
        double v[3], mean[3] = {0};
        const char *cols[] = {"re_us_vehicles_peak_loss_pct", "re_us_shortage_days",
                              "gdp_loss_us_usd_bn"};
        for (int c = 0; c < 3; c++) {
            cr_assert_eq(replicate_column(reps, cols[c], v, 3), 3);
            mean[c] = (v[0] + v[1] + v[2]) / 3.0;
        }
        peak[i] = mean[0];
        days[i] = mean[1];
        gdp[i] = mean[2];
        free(reps);
    }
    for (int i = 1; i < 3; i++) {
        cr_assert_geq(peak[i], peak[i - 1], "peak loss %g then %g", peak[i - 1], peak[i]);
        cr_assert_gt(days[i], days[i - 1], "shortage days %g then %g", days[i - 1], days[i]);
        cr_assert_gt(gdp[i], gdp[i - 1], "GDP loss %g then %g", gdp[i - 1], gdp[i]);
    }
}

/* licence_validity_days on the real scenario: in rare-earth-licensing-2025.yaml the
 * entries toward the EU give no validity_days, so EU licences cover the orders of their
 * day by default (a licence per order, as practised in 2025), and last a year with
 * licence_validity_days.EU 365. The EU has 3 magnet-using sectors of 1000 firms, 20 to a
 * maker: 150 makers. A maker files at most one application at a time, and with a year's
 * validity none after its approval (the run ends first), so at most 150 in all; with
 * licences per order its makers apply again after each approval, so more than 150. */
Test(re_cli, licence_validity_by_destination_cuts_applications) {
    const char *sets[] = {"rare_earths.licence_validity_days.EU=0",
                          "rare_earths.licence_validity_days.EU=365"};
    const double makers = 3.0 * 1000.0 / 20.0;
    double apps[2] = {0.0, 0.0};
    for (int i = 0; i < 2; i++) {
        char dir[8];
        snprintf(dir, sizeof dir, "v%d", i);
        const char *args[] = {"run", tw_src("scenarios/rare-earth-licensing-2025.yaml"), "-n",
                              "2", "--set", "firms.per_cell=50", "--set",
                              "rare_earths.per_cell=1000", "--set",
                              "rare_earths.customers_per_supplier=20", "--set", sets[i], "-o",
                              in_tmp(dir), "--quiet", NULL};
        run_ok(args);
        char *csv = slurp_in(dir, "summary.csv");
        apps[i] = year_total(csv, "2025", ",re_licence_applications,EU,CN,all,", 365);
        free(csv);
    }
    cr_assert_gt(apps[0], makers, "EU applications with a licence per order: %g", apps[0]);
    cr_assert_leq(apps[1], makers, "EU applications with a year's validity: %g", apps[1]);
    cr_assert_gt(apps[1], 0.0);
}

/* Homogeneous firms (cover 40 days, lag 14, reorder point 27, no reserve, no other
 * channels) under a halt from the first day start at a uniform point of their ordering
 * cycle, so their magnets on hand and in transit are uniform on [27, 40 + 14] and nothing
 * more arrives: the percent halted on day t is 100 * clamp((t + 1 - 27) / 27, 0, 1). The mean over 4
 * replicates of 3 x 3000 US firms must lie within 4 binomial standard errors (plus one
 * firm) of it on every day. */
Test(re_cli, halted_share_of_homogeneous_firms_follows_the_closed_form) {
    const char *text =
        "extends: %s\nname: closed-form\nstart: 2025-04-01\nend: 2025-05-31\n"
        "firms: {per_cell: 100}\n"
        "rare_earths: {per_cell: 3000, cover_median_days: 40, cover_log_sd: 0,\n"
        "  cover_median_replicate_log_sd: 0, ship_lag_days: 14, reorder_share: 0.5,\n"
        "  non_china_share: 0, non_china_max_share: 0, distributor_days: 0,\n"
        "  wip_days: {vehicles: 0, electronics: 0, machinery: 0},\n"
        "  outside_scope_share: {vehicles: 0, electronics: 0, machinery: 0},\n"
        "  embedded_share: {vehicles: 0, electronics: 0, machinery: 0}}\n"
        "export_controls:\n"
        "  - {id: h, exporter: CN, destination: US, regime: halt, effective: 2025-04-01}\n";
    char yaml[2048];
    snprintf(yaml, sizeof yaml, text, tw_src(HALT));
    cr_assert_eq(tw_write_text(in_tmp("cf.yaml"), yaml), 0);
    const char *args[] = {"run", in_tmp("cf.yaml"), "-n", "4", "-o", in_tmp("cf"), "--quiet", NULL};
    run_ok(args);
    char *csv = slurp_in("cf", "summary.csv");
    double n = 4 * 3 * 3000.0;
    for (int t = 0; t < 61; t++) {
        char day[16];
        date_of(t, "2025-04-01", day);
        double P = (t + 1 - 27.0) / 27.0;
        P = P < 0 ? 0 : P > 1 ? 1 : P;
        double got = cell(csv, day, "re_firms_halted", "US", "CN", "all", "mean") / 100.0;
        double tol = 4.0 * sqrt(P * (1 - P) / n) + 1.0 / n;
        cr_assert_leq(fabs(got - P), tol, "%s: %.5f halted, closed form %.5f", day, got, P);
    }
    free(csv);
}

static void same_bytes(const char *a, const char *b) {
    char pa[4400], pb[4400];
    const char *files[] = {"summary.csv", "replicates.csv"};
    for (int i = 0; i < 2; i++) {
        snprintf(pa, sizeof pa, "%s/%s", in_tmp(a), files[i]);
        snprintf(pb, sizeof pb, "%s/%s", in_tmp(b), files[i]);
        cr_assert(tw_files_equal(pa, pb), "%s of %s and %s differ", files[i], a, b);
    }
}

/* 5000 firms a cell make two blocks per cell, so agent-level threads split cells. */
Test(re_cli, same_bytes_for_one_and_three_threads_at_either_level) {
    const char *modes[][3] = {{"t1", "1", "auto"}, {"t3", "3", "replicates"}, {"t3a", "3", "agents"}};
    for (int i = 0; i < 3; i++) {
        const char *args[] = {"run", tw_src(HALT), "-n", "3", "--set", "firms.per_cell=100",
                              "--set", "rare_earths.per_cell=5000", "--set", "end=2025-07-15",
                              "-t", modes[i][1], "--parallel", modes[i][2], "-o",
                              in_tmp(modes[i][0]), "--quiet", NULL};
        run_ok(args);
    }
    same_bytes("t1", "t3");
    same_bytes("t1", "t3a");
}

Test(re_cli, the_export_control_scenarios_validate) {
    const char *files[] = {HALT, "scenarios/rare-earth-licensing-2025.yaml",
                           "scenarios/history-2025-four.yaml"};
    for (int i = 0; i < 3; i++) {
        const char *args[] = {"validate", tw_src(files[i]), NULL};
        tw_proc p = run(args);
        cr_assert_eq(p.exit_code, 0, "%s: %s", files[i], p.err);
        cr_assert_not_null(strstr(p.out, ": ok ("), "%s", p.out);
        tw_proc_free(&p);
    }
}

/* Each malformed scenario, and the start of the one-line message it must give. */
Test(re_cli, malformed_keys_exit_2_with_file_line_column_and_write_nothing) {
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        {"rare_earths: {cover_max_days: 20, cover_median_days: 18}\n",
         "bad.yaml:4:31: rare_earths.cover_max_days: expected more than ship_lag_days 28 of EU"},
        {"rare_earths: {ship_lag_days: {EU: 0}}\n",
         "bad.yaml:4:35: rare_earths.ship_lag_days.EU: expected an integer"},
        {"rare_earths: {ship_lag_days: {JP: 5}}\n",
         "bad.yaml:4:35: rare_earths.ship_lag_days.JP: expected a region of the world: US, CN, EU, ROW "
         "(got 'JP')"},
        {"rare_earths: {ship_lag_days: 0.5}\n",
         "bad.yaml:4:30: rare_earths.ship_lag_days: expected an integer"},
        {"rare_earths: {cover_min_days: 30, cover_max_days: 25}\n",
         "bad.yaml:4:51: rare_earths.cover_max_days: expected at least cover_min_days 30"},
        {"rare_earths: {non_china_share: 0.2, non_china_max_share: 0.1}\n",
         "bad.yaml:4:58: rare_earths.non_china_max_share: expected at least non_china_share 0.2"},
        {"rare_earths: {exports_t_per_year: {total: 1000, US: 2000}}\n",
         "bad.yaml:4:35: rare_earths.exports_t_per_year: expected destination figures adding to "
         "at most the total"},
        {"rare_earths: {exports_t_per_year: {CN: 10}}\n",
         "bad.yaml:4:40: rare_earths.exports_t_per_year.CN: expected a destination other than"},
        {"rare_earths: {cover_days: 30}\n", "bad.yaml:4:15: rare_earths.cover_days: unknown key"},
        {"rare_earths: {per_cell: 0}\n", "bad.yaml:4:25: rare_earths.per_cell: expected an integer"},
        {"rare_earths: {exporter: XX}\n", "bad.yaml:4:25: rare_earths.exporter: expected one of"},
        {"rare_earths: [1]\n", "bad.yaml:4:14: rare_earths: expected a map"},
        {"rare_earths: {wip_days: 3}\n",
         "bad.yaml:4:25: rare_earths.wip_days: expected a map of values by sector"},
        {"rare_earths: {wip_days: {vehicles: -1}}\n",
         "bad.yaml:4:36: rare_earths.wip_days.vehicles: expected a number"},
        {"rare_earths: {outside_scope_share: {cars: 0.1}}\n",
         "bad.yaml:4:37: rare_earths.outside_scope_share.cars: unknown key"},
        {"rare_earths: {ev_share: {US: 1.5}}\n",
         "bad.yaml:4:30: rare_earths.ev_share.US: expected a number"},
        {"rare_earths: {embedded_share: {vehicles: 0.9}}\n",
         "bad.yaml:4:31: rare_earths.embedded_share: expected embedded_share + "
         "non_china_max_share below 1 for vehicles"},
        {"rare_earths: {customers_per_supplier: 0}\n",
         "bad.yaml:4:39: rare_earths.customers_per_supplier: expected an integer"},
        {"export_controls:\n  - {id: a, exporter: CN, destination: US, regime: ban, "
         "effective: 2025-04-04}\n",
         "bad.yaml:5:52: export_controls[0].regime: expected one of open, licensing, slow_roll, halt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, "start: 2025-03-01\nend: 2025-03-31\nfirms: {per_cell: 10}\n%s",
                 cases[i].yaml);
        cr_assert_eq(tw_write_text(in_tmp("bad.yaml"), yaml), 0);
        const char *args[] = {"run", in_tmp("bad.yaml"), "-n", "1", "-o", in_tmp("out"), NULL};
        tw_proc p = run(args);
        cr_assert_eq(p.exit_code, 2, "case %zu: exit %d (%s)", i, p.exit_code, p.err);
        cr_assert_eq(tw_count_lines(p.err), 1, "case %zu: stderr: %s", i, p.err);
        cr_assert_not_null(strstr(p.err, cases[i].want), "case %zu: got '%s', want '%s'", i, p.err,
                           cases[i].want);
        cr_assert_not(tw_path_exists(in_tmp("out")), "case %zu wrote output", i);
        tw_proc_free(&p);
    }
}
