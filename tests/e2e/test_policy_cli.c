/* test_policy_cli.c - the real tradewar program on the policy scenarios (government
 * agents and events): each runs, its replicates.csv and summary.csv read back with the
 * outcomes each scenario implies, the terminal shows the headline probabilities, bad
 * policy keys are refused with their location, and outputs do not depend on the thread
 * count. Runs are small: firms.per_cell=200, rare_earths.per_cell=200, 3 replicates.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_test_support.h"

static char *g_dir;
static void setup(void) { g_dir = tw_tmpdir(); }
static void teardown(void) {
    tw_rmtree(g_dir);
    free(g_dir);
}
TestSuite(policy, .init = setup, .fini = teardown);

static const char *out_dir(const char *name) {
    static char buf[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, name);
    return buf[k];
}

/* Run a scenario into g_dir/<out> with daily rows (the checks fall on the day a measure
 * moves); the extra arguments end with NULL. Returns stdout. */
static char *run_scenario(const char *scenario, const char *out, const char *threads,
                          const char *extra1, const char *extra2) {
    const char *args[] = {"run", tw_src(scenario), "-n", "3", "-t", threads, "-o", out_dir(out),
                          "--set", "firms.per_cell=200", "--set", "rare_earths.per_cell=200",
                          "--set", "output.interval_days=1", extra1, extra2, NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, args), 0, "cannot start %s", TW_BINARY);
    cr_assert_eq(p.exit_code, 0, "%s: exit %d\n%s", scenario, p.exit_code, p.err);
    char *text = strdup(p.out);
    tw_proc_free(&p);
    return text;
}

/* replicates.csv as a table of numbers ("nan" reads as NaN). */
typedef struct {
    char names[64][64];
    int ncol, nrow;
    double v[8][64];
} reps_t;

static void read_reps(const char *out, reps_t *r) {
    char path[4300];
    snprintf(path, sizeof path, "%s/replicates.csv", out_dir(out));
    char *text = tw_slurp(path, NULL);
    cr_assert_not_null(text, "no %s", path);
    memset(r, 0, sizeof *r);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    for (char *tok = strtok(line, ","); tok != NULL && r->ncol < 64; tok = strtok(NULL, ","))
        snprintf(r->names[r->ncol++], sizeof r->names[0], "%s", tok);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL && r->nrow < 8) {
        int c = 0;
        for (char *tok = strtok(line, ","); tok != NULL && c < r->ncol; tok = strtok(NULL, ","))
            r->v[r->nrow][c++] = strcmp(tok, "nan") == 0 ? NAN : strtod(tok, NULL);
        cr_assert_eq(c, r->ncol, "short row %d", r->nrow);
        r->nrow++;
    }
    free(text);
    cr_assert_eq(r->nrow, 3);
}

static int col(const reps_t *r, const char *name) {
    for (int c = 0; c < r->ncol; c++)
        if (strcmp(r->names[c], name) == 0) return c;
    cr_assert_fail("replicates.csv has no column %s", name);
    return -1;
}

/* Every 0/1 outcome of the policy block is 0 or 1 in every replicate. */
static void assert_binary(const reps_t *r) {
    static const char *const names[] = {"leader_call_before_truce_end", "deal_before_truce_end",
                                        "truce_extended", "snap_back", "breach_accused",
                                        "us_vehicle_halt", "court_struck_ieepa",
                                        "third_party_retaliated", "court_reimposed",
                                        "deal_cut_tariffs"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        for (int i = 0; i < r->nrow; i++) {
            double v = r->v[i][col(r, names[k])];
            cr_assert(v == 0.0 || v == 1.0, "%s = %g", names[k], v);
        }
}

static double summary(const char *out, const char *date, const char *ind, const char *region,
                      const char *partner, const char *sector) {
    char path[4300];
    snprintf(path, sizeof path, "%s/summary.csv", out_dir(out));
    char *text = tw_slurp(path, NULL);
    cr_assert_not_null(text);
    double v;
    bool found = tw_summary_value(text, date, ind, region, partner, sector, "mean", &v);
    free(text);
    cr_assert(found, "no summary row %s %s %s %s %s", date, ind, region, partner, sector);
    return v;
}

Test(policy, geneva_truce_answers_the_question_with_probabilities) {
    char *out = run_scenario("scenarios/geneva-truce.yaml", "g", "2", NULL, NULL);
    cr_assert(strstr(out, "headline probabilities") != NULL, "%s", out);
    cr_assert(strstr(out, "a leader call before the truce runs out") != NULL);
    cr_assert(strstr(out, "95% CI (Wilson)") != NULL);
    free(out);
    reps_t r;
    read_reps("g", &r);
    assert_binary(&r);
    for (int i = 0; i < r.nrow; i++) {
        /* China slow-rolls against its commitment from the start: the US may accuse a
         * breach from 27 May, when the 14-day window is full, at the fitted hazard. */
        cr_assert(r.v[i][col(&r, "breach_accused")] == 0.0 || r.v[i][col(&r, "breach_accused")] == 1.0);
        double call = r.v[i][col(&r, "first_leader_call_day")];
        double before = r.v[i][col(&r, "leader_call_before_truce_end")];
        /* Calls are possible from 31 May (day 150); the truce ends on 12 August (day 223). */
        cr_assert(isnan(call) || (call >= 150 && call <= 364), "first call day %g", call);
        cr_assert_eq(before, !isnan(call) && call < 223 ? 1.0 : 0.0);
        double truce = r.v[i][col(&r, "days_in_truce")];
        cr_assert(truce >= 17 && truce <= 232, "days in truce %g", truce); /* 14 May .. */
    }
    /* The scripted truce holds until the agents start deciding on 31 May. */
    cr_assert_eq(summary("g", "2025-05-20", "truce_active", "all", "all", "all"), 1.0);
    cr_assert(summary("g", "2025-06-30", "gov_pain", "US", "all", "all") > 0.0);
}

Test(policy, truce_collapse_snaps_back_towards_145) {
    free(run_scenario("scenarios/truce-collapse.yaml", "c", "2", NULL, NULL));
    reps_t r;
    read_reps("c", &r);
    assert_binary(&r);
    /* The accuser snaps back with a chance of 0.5 to 0.9 a week: 125% reciprocal plus the
     * fentanyl tariff take the trade-weighted US rate well above 100% in some replicate. */
    double peak = 0.0;
    for (int i = 0; i < r.nrow; i++) peak = fmax(peak, r.v[i][col(&r, "peak_tariff_us_on_cn_pct")]);
    cr_assert(peak > 100.0, "peak US tariff on China %g", peak);
}

Test(policy, steel_aluminium_50_and_the_eu_answer) {
    free(run_scenario("scenarios/steel-aluminium-50.yaml", "s", "2", NULL, NULL));
    reps_t r;
    read_reps("s", &r);
    assert_binary(&r);
    /* Section 232 metals on the EU: 50% from 4 June on MFN 1.4 (reciprocal duties do not
     * stack). */
    cr_assert(fabs(summary("s", "2025-06-10", "tariff_rate", "US", "EU", "metals") - 51.4) < 1e-9);
    double hits = 0.0;
    for (int i = 0; i < r.nrow; i++) hits += r.v[i][col(&r, "third_party_retaliated")];
    /* The mean EU tariff on US agriculture rises by 25% x 0.06 for each retaliating
     * replicate: 1.5 points over 3 replicates each. */
    double before = summary("s", "2025-06-01", "tariff_rate", "EU", "US", "agriculture");
    double after = summary("s", "2025-12-31", "tariff_rate", "EU", "US", "agriculture");
    cr_assert(fabs((after - before) - 1.5 * hits / 3.0) < 1e-9, "rise %g for %g retaliations",
              after - before, hits);
}

Test(policy, a_court_strike_leaves_section_232_in_place) {
    /* A ruling on 1 July that strikes for certain, without re-imposition. */
    free(run_scenario("scenarios/court-strikes-ieepa.yaml", "k", "2",
                      "--set", "events.court={from: 2025-07-01, to: 2025-07-01, strike_prob: 1}"));
    reps_t r;
    read_reps("k", &r);
    for (int i = 0; i < r.nrow; i++) cr_assert_eq(r.v[i][col(&r, "court_struck_ieepa")], 1.0);
    /* Metals and vehicles: the legacy levels (Section 301 at 25, the rest of PIIE's 20.8
     * at 3.43418397, MFN 1.4) + Section 232 (China's metals increment 25, autos 25 x 0.6)
     * + fentanyl 20 until the ruling, which removes the fentanyl layer and the reciprocal
     * share of vehicles (10 x 0.4). */
    const double legacy = 25.0 + 3.43418397 + 1.4;
    cr_assert(fabs(summary("k", "2025-06-30", "tariff_rate", "US", "CN", "metals") - (legacy + 45.0)) < 1e-9);
    cr_assert(fabs(summary("k", "2025-07-01", "tariff_rate", "US", "CN", "metals") - (legacy + 25.0)) < 1e-9);
    cr_assert(fabs(summary("k", "2025-07-01", "tariff_rate", "US", "CN", "vehicles") - (legacy + 15.0)) < 1e-9);
    cr_assert(fabs(summary("k", "2025-12-31", "tariff_rate", "US", "CN", "vehicles") - (legacy + 15.0)) < 1e-9);
}

Test(policy, a_section_122_reimposition_lapses_after_150_days) {
    /* A ruling on 16 June that strikes for certain, re-imposition for certain 30 days later
     * (16 July) under Section 122, capped at 15%; no deal cuts the levels. Section 122
     * allows the duty for 150 days (19 U.S.C. 2132(a)): from 13 December the US tariff on
     * China is back where the ruling left it, and the US government can no longer raise it. */
    const char *args[] = {"run", tw_src("scenarios/court-strikes-ieepa.yaml"), "-n", "3", "-t", "2",
                          "-o", out_dir("l"), "--set", "firms.per_cell=200", "--set",
                          "rare_earths.per_cell=200", "--set", "output.interval_days=1", "--set",
                          "events.court={from: 2025-06-16, to: 2025-06-16, strike_prob: 1, "
                          "reimpose: {prob: 1, delay_days: 30, cap_pct: 15, authority: other, "
                          "measure: s122}}",
                          "--set", "events.deal.cut.prob=0", NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, args), 0, "cannot start %s", TW_BINARY);
    cr_assert_eq(p.exit_code, 0, "exit %d\n%s", p.exit_code, p.err);
    tw_proc_free(&p);
    reps_t r;
    read_reps("l", &r);
    for (int i = 0; i < r.nrow; i++) cr_assert_eq(r.v[i][col(&r, "court_reimposed")], 1.0);
    static const char *const sectors[] = {"machinery", "consumer", "agriculture"};
    for (size_t k = 0; k < sizeof sectors / sizeof sectors[0]; k++) {
        double struck = summary("l", "2025-07-15", "tariff_rate", "US", "CN", sectors[k]);
        double in_force = summary("l", "2025-12-12", "tariff_rate", "US", "CN", sectors[k]);
        double lapsed = summary("l", "2025-12-13", "tariff_rate", "US", "CN", sectors[k]);
        cr_assert(in_force > struck + 1.0, "%s: %g in force, %g struck", sectors[k], in_force, struck);
        cr_assert(fabs(lapsed - struck) < 1e-9, "%s: %g on day 150, %g struck", sectors[k], lapsed,
                  struck);
        cr_assert(fabs(summary("l", "2025-12-31", "tariff_rate", "US", "CN", sectors[k]) - struck) <
                  1e-9);
    }
}

Test(policy, tit_for_tat_spiral_escalates_without_bound) {
    free(run_scenario("scenarios/tit-for-tat-spiral.yaml", "t", "2", NULL, NULL));
    reps_t r;
    read_reps("t", &r);
    for (int i = 0; i < r.nrow; i++) {
        cr_assert(r.v[i][col(&r, "escalations")] >= 10.0, "escalations %g", r.v[i][col(&r, "escalations")]);
        cr_assert(r.v[i][col(&r, "peak_tariff_us_on_cn_pct")] > 145.0);
        cr_assert(r.v[i][col(&r, "peak_tariff_cn_on_us_pct")] > 125.0);
        cr_assert(isnan(r.v[i][col(&r, "first_leader_call_day")]));
    }
}

Test(policy, outputs_do_not_depend_on_the_thread_count) {
    free(run_scenario("scenarios/geneva-truce.yaml", "one", "1", NULL, NULL));
    free(run_scenario("scenarios/geneva-truce.yaml", "two", "2", NULL, NULL));
    char a[4300], b[4300];
    for (int k = 0; k < 2; k++) {
        const char *f = k == 0 ? "summary.csv" : "replicates.csv";
        snprintf(a, sizeof a, "%s/%s", out_dir("one"), f);
        snprintf(b, sizeof b, "%s/%s", out_dir("two"), f);
        cr_assert(tw_files_equal(a, b), "%s differs between -t 1 and -t 2", f);
    }
}

static void refused(const char *yaml, const char *want) {
    char path[4300];
    snprintf(path, sizeof path, "%s/bad.yaml", g_dir);
    cr_assert_eq(tw_write_text(path, yaml), 0);
    const char *args[] = {"run", path, "-n", "1", "-o", out_dir("bad_out"), NULL};
    tw_proc p;
    cr_assert_eq(tw_run_cli(&p, NULL, args), 0);
    cr_assert_eq(p.exit_code, 2, "exit %d: %s", p.exit_code, p.err);
    char prefix[4400];
    snprintf(prefix, sizeof prefix, "tradewar: %s:", path);
    cr_assert(strncmp(p.err, prefix, strlen(prefix)) == 0, "stderr: %s", p.err);
    cr_assert(strstr(p.err, want) != NULL, "stderr: %s\nexpected: %s", p.err, want);
    cr_assert_eq(tw_count_lines(p.err), 1);
    cr_assert(!tw_path_exists(out_dir("bad_out")), "output written for a refused run");
    tw_proc_free(&p);
}

Test(policy, bad_policy_keys_are_refused_with_file_line_col) {
    char head[4200];
    snprintf(head, sizeof head, "extends: %s\n", tw_src("scenarios/geneva-truce.yaml"));
    char y[8192];
    snprintf(y, sizeof y, "%sgovernments:\n  US:\n    strategy: bully\n", head);
    refused(y, ":4:15: governments.US.strategy: expected one of scripted, tit_for_tat");
    snprintf(y, sizeof y, "%sgovernments:\n  CN:\n    resolve: {dist: uniform, lo: 3, hi: 1}\n", head);
    refused(y, "governments.CN.resolve.hi: expected a number between 3 and 100 (got 1)");
    snprintf(y, sizeof y, "%sevents:\n  truce:\n    commitments: {CN: closed}\n", head);
    refused(y, "events.truce.commitments.CN: expected one of open, licensing, slow_roll, halt");
    snprintf(y, sizeof y, "%sevents:\n  leader_calls:\n    hazzard_per_day: 0.1\n", head);
    refused(y, "events.leader_calls.hazzard_per_day: unknown key");
    snprintf(y, sizeof y, "%sevents:\n  leader_calls:\n    crisis: {boost_per_day: 20}\n", head);
    refused(y, ":4:29: events.leader_calls.crisis.boost_per_day: expected a number between 0 and 10 (got 20)");
    snprintf(y, sizeof y, "%sevents:\n  leader_calls:\n    crisis: {last: 2025-02-30}\n", head);
    refused(y, "events.leader_calls.crisis.last: expected a date");
    snprintf(y, sizeof y, "%sevents:\n  truce:\n    breach: {accuse_per_day: -1}\n", head);
    refused(y, "events.truce.breach.accuse_per_day: expected a number between 0 and 10 (got -1)");
    snprintf(y, sizeof y, "%sevents:\n  deal:\n    cut: {prob: 1.5}\n", head);
    refused(y, "events.deal.cut.prob: expected a number between 0 and 1 (got 1.5)");
}
