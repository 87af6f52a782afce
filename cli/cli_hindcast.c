/* cli_hindcast.c - `tradewar hindcast`: the model, started at each decision point of the
 * record (data/decision_points_2018_2025.csv) with the agents fitted leaving that decision's
 * episode out, forecasts the decision; the forecasts are scored against what followed.
 *
 * The decisions and their leave-one-episode-out posteriors come from data/hindcast_loo.csv
 * (analysis/fit_politics.py --loo, regenerated and compared by a test): one row per binary
 * decision and fitted group, with the group's Beta(a, b) and the climatology (the base rate
 * of every decision without the episode). The conjugate fit stays in one place, the
 * Python that also prints the scenario keys, so the hindcast runs exactly the posteriors
 * the scenarios carry and no second implementation of the pooled fit can drift from it.
 *
 * For each decision whose group a process of the model decides, a scenario is built in
 * memory over the base scenario (scenarios/hindcast-base.yaml, or BASE.yaml): --set
 * overrides that open the run HC_LEAD_DAYS before the decision, end it on the decision's
 * day, give the state the record gives (a truce or an announced date running out, a breach
 * accusation standing, the partner's escalation) and the agent or event that decides, its
 * parameter drawn from the posterior. R replicates run through the engine's runner
 * (tw_chunk_run_spread: any thread and rank count gives the same replicates), each with
 * the key (seed + id, r), and the share of replicates whose event log shows the outcome
 * on the day is the probability. What each group becomes:
 *
 *   contact_deal, summit_deal  a leader call scheduled on the day (events.leader_calls.dates,
 *                 no hazard), deal.base the group's posterior (a summit's for a summit);
 *                 the outcome: the call ends in a deal.
 *   expiry_extend a truce in force that runs out on the day (events.truce.in_force),
 *                 extension.base the posterior; the outcome: truce_extended. An announced
 *                 tariff's effective date is a truce on it that ends that day.
 *   expiry_accused the same while an accusation stands: China slow-rolls against a
 *                 commitment and the US accuses on the run's first day, so the leaders'
 *                 chance is extension.accused, the posterior.
 *   retaliate     the partner raises its tariff on the actor by HC_MOVE_PCT three days
 *                 before; the actor a `generous` government deciding weekly from the run's
 *                 first day, so that the day's decision sees the rise as a move, with
 *                 forgive = 1 - theta (Beta(b, a)); the outcome: it escalates.
 *   breach_escalate a truce with China's commitment to license rare earths, China
 *                 slow-rolling, accused the day before (window_days 1, no hazard); the US
 *                 decides on the day with snapback_prob the posterior; the outcome: it
 *                 escalates (snaps back).
 *   cn_controls   the US raises its tariff on China by HC_MOVE_PCT three days before;
 *                 China a tit_for_tat government with control_lever, deciding on the day,
 *                 control_prob the posterior; the outcome: it tightens its controls.
 *   deal_cuts     each side's lever HC_MOVE_PCT above the level a deal agrees (0), a call
 *                 on the day with deal.base 1 (the group is the deals), deal.cut.prob the
 *                 posterior; the outcome: the deal cuts (deal_cut).
 *
 * A group with no process of the model (HC_NONE; none today) would be counted and named
 * on the terminal, not scored. The scores are the
 * Brier and log scores of tw_score.h, the log score's probability kept inside
 * [1/(2R), 1 - 1/(2R)] as `tradewar score` keeps it, set against the climatology's.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_provenance.h"
#include "cli_rundir.h"
#include "cli_scenario.h"
#include "tw_csvread.h"
#include "tw_hash.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_score.h"

/* The run opens this many days before the decision: the governments see the partner's
 * moves of the week as moves, and a truce or an accusation is in place on the day. */
#define HC_LEAD_DAYS 7
/* The partner's escalation before a retaliation decision, in points on all its trade. */
#define HC_MOVE_PCT 10
/* Replicates run at once (the runner spreads them over threads and ranks). */
#define HC_CHUNK 64
/* Forecast bins of the reliability table: [0, 0.2), ..., [0.8, 1]. */
#define HC_NBINS 5
#define HC_MAX_SETS 16
#define HC_SET_LEN 512

typedef enum { HC_CONTACT, HC_EXPIRY, HC_RETALIATE, HC_BREACH, HC_CONTROLS, HC_CUT, HC_NONE } hc_kind;

/* The groups of data/hindcast_loo.csv and what the model makes of each. */
static const struct {
    const char *group;
    hc_kind kind;
    const char *why; /* for a group the model does not forecast: why not */
} hc_groups[] = {
    {"contact_deal", HC_CONTACT, NULL},
    {"summit_deal", HC_CONTACT, NULL},
    {"expiry_extend", HC_EXPIRY, NULL},
    {"expiry_accused", HC_EXPIRY, NULL},
    {"retaliate", HC_RETALIATE, NULL},
    {"breach_escalate", HC_BREACH, NULL},
    {"cn_controls", HC_CONTROLS, NULL},
    {"deal_cuts", HC_CUT, NULL},
};
#define HC_NGROUPS (sizeof hc_groups / sizeof hc_groups[0])

/* One row of the decisions table. */
typedef struct {
    int id;
    char date[16], episode[64], kind[16], actor[8], contact[8];
    size_t group;       /* index into hc_groups */
    tw_day day;
    int outcome;        /* 0/1, what followed */
    int accused;        /* 1: a breach accusation stood on the day */
    double a, b;        /* the group's posterior without the episode */
    double clim;        /* the climatology without the episode */
    double p;           /* the model's probability (rank 0) */
    size_t hits;        /* replicates with the outcome */
} hc_row;

/* The decisions table: TW_EDATA with file:line:col where a field is not what it must be. */
static tw_status hc_read(const char *path, hc_row **rows, size_t *n, tw_err *err) {
    static const char *const cols[] = {"id", "date", "episode", "kind", "actor", "contact",
                                       "accused", "group", "outcome", "a", "b", "climatology"};
    enum { C_ID, C_DATE, C_EPISODE, C_KIND, C_ACTOR, C_CONTACT, C_ACCUSED, C_GROUP, C_OUTCOME,
           C_A, C_B, C_CLIM, C_N };
    tw_csv *t = NULL;
    tw_status st = tw_csv_read(path, &t, err);
    if (st != TW_OK) return st;
    int c[C_N];
    for (size_t k = 0; k < C_N && st == TW_OK; k++)
        if ((c[k] = tw_csv_col(t, cols[k])) < 0)
            st = tw_err_set(err, TW_EDATA, "%s: no column '%s' (regenerate it: "
                                           "analysis/fit_politics.py --loo)", path, cols[k]);
    *n = tw_csv_rows(t);
    *rows = st == TW_OK ? calloc(*n + 1, sizeof **rows) : NULL;
    if (st == TW_OK && *rows == NULL) st = tw_err_set(err, TW_ENOMEM, "out of memory");
    if (st == TW_OK && *n == 0) st = tw_err_set(err, TW_EDATA, "%s: no decisions", path);
    for (size_t r = 0; r < *n && st == TW_OK; r++) {
        hc_row *h = &(*rows)[r];
        const char *f[C_N];
        for (size_t k = 0; k < C_N; k++) f[k] = tw_csv_field(t, r, (size_t)c[k]);
#define HC_BAD(k, ...) tw_err_at(err, TW_EDATA, path, tw_csv_line(t, r), \
                                 tw_csv_colno(t, r, (size_t)c[k]), cols[k], __VA_ARGS__)
        char *end;
        long id = strtol(f[C_ID], &end, 10);
        if (*end != '\0' || id < 1 || id > 1000000) {
            st = HC_BAD(C_ID, "expected a positive integer (got '%s')", f[C_ID]);
            break;
        }
        h->id = (int)id;
        if (!tw_date_parse(f[C_DATE], &h->day)) {
            st = HC_BAD(C_DATE, "expected a date YYYY-MM-DD (got '%s')", f[C_DATE]);
            break;
        }
        h->group = HC_NGROUPS;
        for (size_t g = 0; g < HC_NGROUPS; g++)
            if (strcmp(f[C_GROUP], hc_groups[g].group) == 0) h->group = g;
        if (h->group == HC_NGROUPS) {
            st = HC_BAD(C_GROUP, "unknown group '%s'", f[C_GROUP]);
            break;
        }
        const int flag[] = {C_OUTCOME, C_ACCUSED};
        int *fv[] = {&h->outcome, &h->accused};
        for (size_t k = 0; k < 2 && st == TW_OK; k++) {
            if (strcmp(f[flag[k]], "0") != 0 && strcmp(f[flag[k]], "1") != 0)
                st = HC_BAD(flag[k], "expected 0 or 1 (got '%s')", f[flag[k]]);
            else
                *fv[k] = f[flag[k]][0] - '0';
        }
        double *v[] = {&h->a, &h->b, &h->clim};
        const int vc[] = {C_A, C_B, C_CLIM};
        for (size_t k = 0; k < 3 && st == TW_OK; k++) {
            *v[k] = strtod(f[vc[k]], &end);
            bool ok = *end == '\0' && f[vc[k]][0] != '\0' && isfinite(*v[k]) && *v[k] > 0.0 &&
                      (vc[k] != C_CLIM || *v[k] < 1.0);
            if (!ok)
                st = HC_BAD(vc[k], "expected %s (got '%s')",
                            vc[k] == C_CLIM ? "a probability strictly between 0 and 1"
                                            : "a positive number",
                            f[vc[k]]);
        }
        const int sc[] = {C_DATE, C_EPISODE, C_KIND, C_ACTOR, C_CONTACT};
        char *dst[] = {h->date, h->episode, h->kind, h->actor, h->contact};
        const size_t cap[] = {sizeof h->date, sizeof h->episode, sizeof h->kind, sizeof h->actor,
                              sizeof h->contact};
        for (size_t k = 0; k < 5 && st == TW_OK; k++) {
            if (strlen(f[sc[k]]) >= cap[k] || strpbrk(f[sc[k]], ",\"{}[]:#") != NULL)
                st = HC_BAD(sc[k], "expected a plain word of under %zu characters (got '%s')",
                            cap[k], f[sc[k]]);
            else
                snprintf(dst[k], cap[k], "%s", f[sc[k]]);
        }
        if (st == TW_OK && hc_groups[h->group].kind == HC_RETALIATE &&
            strcmp(h->actor, "US") != 0 && strcmp(h->actor, "CN") != 0 &&
            strcmp(h->actor, "EU") != 0)
            st = HC_BAD(C_ACTOR, "a retaliation needs the actor US, CN or EU (got '%s')", h->actor);
#undef HC_BAD
    }
    tw_csv_free(t);
    if (st != TW_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return st;
}

/* The date `days` from day, as YYYY-MM-DD. */
static const char *hc_date(tw_day day, int days, char buf[TW_DATE_STRLEN]) {
    return tw_date_format(day + days, buf);
}

/* China slow-rolling rare-earth licences to the US from a month before the decision: with
 * a commitment to license, the shortfall that brings an accusation. */
static void hc_slow_roll(const hc_row *h, char set[HC_SET_LEN]) {
    char d0[TW_DATE_STRLEN];
    snprintf(set, HC_SET_LEN,
             "export_controls=[{id: hindcast_slow_roll, exporter: CN, destination: US, "
             "regime: slow_roll, slow_roll_factor: 0.25, effective: %s}]",
             hc_date(h->day, -30, d0));
}

/* imposer's tariff `measure` on target, HC_MOVE_PCT on all its trade, announced and in
 * force on day `from` (YYYY-MM-DD). */
static void hc_move(char set[HC_SET_LEN], const char *measure, const char *imposer,
                    const char *target, const char *from) {
    snprintf(set, HC_SET_LEN,
             "tariffs[+]={measure: %s, imposer: %s, target: %s, sectors: all, rate: %d, "
             "authority: other, announced: %s, effective: %s}",
             measure, imposer, target, HC_MOVE_PCT, from, from);
}

/* The overrides that make the base scenario decision h's: into sets[0..*n). */
static void hc_sets(const hc_row *h, char sets[HC_MAX_SETS][HC_SET_LEN], int *n) {
    char d[TW_DATE_STRLEN], d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN], d2[TW_DATE_STRLEN];
    const char *src = "source: data/hindcast_loo.csv";
    int k = 0;
    hc_date(h->day, 0, d);
    snprintf(sets[k++], HC_SET_LEN, "start=%s", hc_date(h->day, -HC_LEAD_DAYS, d0));
    snprintf(sets[k++], HC_SET_LEN, "end=%s", d);
    switch (hc_groups[h->group].kind) {
    case HC_CONTACT:
        snprintf(sets[k++], HC_SET_LEN,
                 "events={leader_calls: {dates: [%s], hazard_per_day: 0}, "
                 "deal: {base: {dist: beta, a: %.6f, b: %.6f, %s}}}",
                 d, h->a, h->b, src);
        break;
    case HC_EXPIRY:
        /* An accusation standing on the day (China slow-rolling what it committed to, the
         * US accusing on the run's first day): the leaders' chance is extension.accused,
         * the expiry_accused group's posterior, as in the fitted scenarios. */
        snprintf(sets[k++], HC_SET_LEN,
                 "events={truce: {in_force: {since: %s, until: %s}, "
                 "extension: {%s: {dist: beta, a: %.6f, b: %.6f, %s}}%s}}",
                 hc_date(h->day, -30, d0), d, h->accused ? "accused" : "base", h->a, h->b, src,
                 h->accused ? ", commitments: {CN: licensing}, breach: {window_days: 1}" : "");
        if (h->accused) {
            snprintf(sets[k++], HC_SET_LEN, "governments={CN: {strategy: scripted}}");
            hc_slow_roll(h, sets[k++]);
        }
        break;
    case HC_RETALIATE: {
        const char *partner = strcmp(h->actor, "US") == 0 ? "CN" : "US";
        hc_date(h->day, -3, d0);
        hc_date(h->day, -HC_LEAD_DAYS, d1); /* its decisions: a week before, and the day */
        hc_move(sets[k++], "hindcast_move", partner, h->actor, d0);
        snprintf(sets[k++], HC_SET_LEN,
                 "governments={%s: {strategy: generous, partner: %s, measure: hindcast_answer, "
                 "first_decision: %s, delay_days: 0, "
                 "forgive: {dist: beta, a: %.6f, b: %.6f, %s}}}",
                 h->actor, partner, d1, h->b, h->a, src);
        break;
    }
    case HC_BREACH:
        hc_slow_roll(h, sets[k++]);
        snprintf(sets[k++], HC_SET_LEN,
                 "governments={US: {strategy: tit_for_tat, measure: hindcast_lever, "
                 "first_decision: %s, delay_days: 0, snapback_pct: %d, "
                 "snapback_prob: {dist: beta, a: %.6f, b: %.6f, %s}}, CN: {strategy: scripted}}",
                 d, HC_MOVE_PCT, h->a, h->b, src);
        snprintf(sets[k++], HC_SET_LEN,
                 "events={truce: {in_force: {since: %s, until: %s}, levels: {US: 0}, "
                 "commitments: {CN: licensing}, "
                 "breach: {window_days: 1, shortfall: 0.5}}}",
                 hc_date(h->day, -1, d1), hc_date(h->day, 90, d2));
        break;
    case HC_CONTROLS:
        /* The US raises its tariff on China three days before; China answers it (the
         * group is China's answers) at its decision on the day, widening its controls with
         * the posterior's chance. */
        hc_date(h->day, -3, d0);
        hc_date(h->day, -HC_LEAD_DAYS, d1);
        hc_move(sets[k++], "hindcast_move", "US", "CN", d0);
        snprintf(sets[k++], HC_SET_LEN,
                 "governments={CN: {strategy: tit_for_tat, partner: US, measure: hindcast_answer, "
                 "first_decision: %s, delay_days: 0, control_lever: true, "
                 "control_prob: {dist: beta, a: %.6f, b: %.6f, %s}}}",
                 d1, h->a, h->b, src);
        break;
    case HC_CUT:
        /* Both sides' levers stand HC_MOVE_PCT above the level a deal would agree; a call on
         * the day ends in a deal (the group is the deals), which starts a truce and cuts the
         * suspended gap for good with the posterior's chance. */
        hc_date(h->day, -30, d0);
        hc_move(sets[k++], "hindcast_us", "US", "CN", d0);
        hc_move(sets[k++], "hindcast_cn", "CN", "US", d0);
        snprintf(sets[k++], HC_SET_LEN,
                 "governments={US: {strategy: scripted, measure: hindcast_us}, "
                 "CN: {strategy: scripted, measure: hindcast_cn}}");
        snprintf(sets[k++], HC_SET_LEN,
                 "events={leader_calls: {dates: [%s], hazard_per_day: 0}, "
                 "truce: {levels: {US: 0, CN: 0}}, deal: {base: 1, "
                 "cut: {prob: {dist: beta, a: %.6f, b: %.6f, %s}, share: 0.5}}}",
                 d, h->a, h->b, src);
        break;
    case HC_NONE: break;
    }
    *n = k;
}

/* Whether a replicate's log ev[0..n) shows decision h's outcome on its day. */
static bool hc_happened(const hc_row *h, const tw_event *ev, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const tw_event *e = &ev[i];
        if (e->date != h->day) continue;
        switch (hc_groups[h->group].kind) {
        case HC_CONTACT:
            if (strcmp(e->event, "leader_call") == 0 &&
                (strncmp(e->detail, "deal", 4) == 0 || strncmp(e->detail, "summit: deal", 12) == 0))
                return true;
            break;
        case HC_EXPIRY:
            if (strcmp(e->event, "truce_extended") == 0) return true;
            break;
        case HC_RETALIATE:
            if (strcmp(e->event, "escalate") == 0 && strcmp(e->actor, h->actor) == 0) return true;
            break;
        case HC_BREACH:
            if (strcmp(e->event, "escalate") == 0 && strcmp(e->actor, "US") == 0) return true;
            break;
        case HC_CONTROLS:
            if (strcmp(e->event, "tighten_controls") == 0 && strcmp(e->actor, "CN") == 0)
                return true;
            break;
        case HC_CUT:
            if (strcmp(e->event, "deal_cut") == 0) return true;
            break;
        case HC_NONE: break;
        }
    }
    return false;
}

/* Run decision h: its scenario over the base, R replicates, the share with the outcome
 * into h->p (rank 0). */
static tw_status hc_forecast(const tw_cli_args *a, const char *base, uint32_t seed, size_t R,
                             int threads, hc_row *h, tw_err *err) {
    char sets[HC_MAX_SETS][HC_SET_LEN];
    int n_gen = 0;
    hc_sets(h, sets, &n_gen);
    /* The decision's overrides first, then the user's --set, so that a user may change a
     * key of the decision's agents or events (events.truce.extension.pain_slope=0.1). */
    tw_cli_args b = *a;
    if (a->n_sets + n_gen > TW_CLI_MAX_SETS)
        return tw_err_set(err, TW_EUSAGE, "--set: at most %d overrides with the hindcast's",
                          TW_CLI_MAX_SETS - n_gen);
    b.n_sets = 0;
    for (int k = 0; k < n_gen; k++) b.sets[b.n_sets++] = sets[k];
    for (int k = 0; k < a->n_sets; k++) b.sets[b.n_sets++] = a->sets[k];
    b.has_replicates = true;
    b.replicates = (int64_t)R;
    b.has_seed = true;
    b.seed = (int64_t)(uint32_t)(seed + (uint32_t)h->id);
    b.silent = true;
    tw_cli_scenario sc;
    tw_status st = tw_cli_load(&b, base, &sc, err);
    if (st != TW_OK) {
        char msg[TW_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return tw_err_set(err, st, "decision %d (%s, %s): %s", h->id, h->date,
                          hc_groups[h->group].group, msg);
    }
    tw_par_mode mode = tw_run_resolve_mode(a->par, threads, R);
    h->hits = 0;
    for (size_t r0 = 0; r0 < R && st == TW_OK; r0 += HC_CHUNK) {
        size_t cn = R - r0 < HC_CHUNK ? R - r0 : HC_CHUNK;
        tw_chunk ch;
        memset(&ch, 0, sizeof ch);
        st = tw_chunk_run_spread(sc.model, sc.params, &sc.spec, threads, mode, tw_mpi_size(), r0,
                                 cn, &ch, err);
        if (st == TW_OK && tw_mpi_rank() == 0) {
            const tw_event *ev = ch.events;
            for (size_t r = 0; r < ch.n; r++) {
                h->hits += hc_happened(h, ev, (size_t)ch.n_events[r]);
                ev += ch.n_events[r];
            }
        }
        tw_chunk_clear(&ch);
        if (st == TW_OK && tw_cli_stop_signal != 0)
            st = tw_err_set(err, TW_ERUNTIME, "stopped by signal %d; nothing written",
                            (int)tw_cli_stop_signal);
        st = tw_mpi_agree(st, err);
    }
    h->p = (double)h->hits / (double)R;
    tw_cli_scenario_free(&sc);
    return st;
}

/* Scores over the scored decisions of group g (HC_NGROUPS: all of them). */
typedef struct {
    size_t n;
    double brier, logs, clim_brier, clim_log;
} hc_scores;

static hc_scores hc_score(const hc_row *rows, size_t n, size_t g, size_t R) {
    hc_scores s = {0, 0.0, 0.0, 0.0, 0.0};
    double floor = 1.0 / (2.0 * (double)R);
    for (size_t i = 0; i < n; i++) {
        const hc_row *h = &rows[i];
        if (hc_groups[h->group].kind == HC_NONE || (g < HC_NGROUPS && h->group != g)) continue;
        s.n++;
        s.brier += tw_score_brier(h->p, h->outcome);
        s.logs += tw_score_log01(h->p, h->outcome, floor);
        s.clim_brier += tw_score_brier(h->clim, h->outcome);
        s.clim_log += tw_score_log01(h->clim, h->outcome, 0.0);
    }
    if (s.n > 0) {
        s.brier /= (double)s.n;
        s.logs /= (double)s.n;
        s.clim_brier /= (double)s.n;
        s.clim_log /= (double)s.n;
    }
    return s;
}

/* hindcast.csv through tw_afile: complete or absent. */
static tw_status hc_write_csv(const char *path, const hc_row *rows, size_t n, size_t R,
                              tw_err *err) {
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("episode,date,outcome,probability,climatology,group,id,kind,replicates\n", fp);
    for (size_t i = 0; i < n; i++) {
        const hc_row *h = &rows[i];
        if (hc_groups[h->group].kind == HC_NONE) continue;
        fprintf(fp, "%s,%s,%d,%.6f,%.6f,%s,%d,%s,%zu\n", h->episode, h->date, h->outcome, h->p,
                h->clim, hc_groups[h->group].group, h->id, h->kind, R);
    }
    return tw_afile_commit(f, err);
}

static void hc_print(const hc_row *rows, size_t n, size_t R, const char *dir) {
    printf("decision  date        episode             group            outcome  probability  "
           "climatology\n");
    for (size_t i = 0; i < n; i++) {
        const hc_row *h = &rows[i];
        if (hc_groups[h->group].kind == HC_NONE) continue;
        printf("%8d  %s  %-18.18s  %-15s  %7d  %11.3f  %11.3f\n", h->id, h->date, h->episode,
               hc_groups[h->group].group, h->outcome, h->p, h->clim);
    }
    hc_scores all = hc_score(rows, n, HC_NGROUPS, R);
    printf("\n%zu decisions, %zu replicates each, leave-one-episode-out:\n"
           "  Brier %.4f (climatology %.4f), log %.4f (climatology %.4f)\n",
           all.n, R, all.brier, all.clim_brier, all.logs, all.clim_log);
    for (size_t g = 0; g < HC_NGROUPS; g++) {
        if (hc_groups[g].kind == HC_NONE) continue;
        hc_scores s = hc_score(rows, n, g, R);
        if (s.n > 0)
            printf("  %-16s %3zu: Brier %.4f (climatology %.4f), log %.4f (climatology %.4f)\n",
                   hc_groups[g].group, s.n, s.brier, s.clim_brier, s.logs, s.clim_log);
    }
    printf("\nreliability (forecast bin: decisions, mean forecast, observed share)\n");
    for (int k = 0; k < HC_NBINS; k++) {
        double lo = (double)k / HC_NBINS, hi = (double)(k + 1) / HC_NBINS, sp = 0.0, so = 0.0;
        size_t c = 0;
        for (size_t i = 0; i < n; i++) {
            const hc_row *h = &rows[i];
            bool in = h->p >= lo && (h->p < hi || (k == HC_NBINS - 1 && h->p <= hi));
            if (hc_groups[h->group].kind == HC_NONE || !in) continue;
            c++;
            sp += h->p;
            so += h->outcome;
        }
        if (c > 0)
            printf("  %.1f-%.1f: %3zu  %.3f  %.3f\n", lo, hi, c, sp / (double)c, so / (double)c);
        else
            printf("  %.1f-%.1f: %3zu      -      -\n", lo, hi, c);
    }
    printf("\nnot forecast (no process of the model decides them):\n");
    for (size_t g = 0; g < HC_NGROUPS; g++) {
        if (hc_groups[g].kind != HC_NONE) continue;
        size_t c = 0;
        for (size_t i = 0; i < n; i++) c += rows[i].group == g;
        printf("  %-16s %3zu: %s\n", hc_groups[g].group, c, hc_groups[g].why);
    }
    printf("  threat, talks: the record's unprovoked announced escalations and ministerial rounds "
           "(no agent of the model decides them; not in the table)\n");
    printf("\nwritten: %s/{hindcast.csv,provenance.yaml,datapackage.json}\n", dir);
}

tw_status tw_cli_hindcast(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    (void)argc;
    (void)argv;
    const char *base =
        a->scenario != NULL ? a->scenario : TW_SOURCE_DIR "/scenarios/hindcast-base.yaml";
    char table[4096];
    const char *env = getenv("TW_DATA_DIR");
    snprintf(table, sizeof table, "%s/hindcast_loo.csv",
             env != NULL && env[0] != '\0' ? env : TW_SOURCE_DIR "/data");
    bool rank0 = tw_mpi_rank() == 0;
    /* Everything that can be refused, before any work: the base with the user's --set,
     * the decisions table, the output directory. */
    tw_cli_scenario sc;
    tw_status st = tw_cli_load(a, base, &sc, err);
    if (st != TW_OK) return st;
    uint32_t seed = sc.spec.seed;
    const char *model = sc.model->name;
    size_t R = (size_t)sc.spec.replicates;
    tw_cli_scenario_free(&sc);
    hc_row *rows = NULL;
    size_t n = 0;
    st = tw_mpi_agree(hc_read(table, &rows, &n, err), err);
    tw_cli_rundir *rd = NULL;
    if (st == TW_OK) st = tw_cli_rundir_open(a, "hindcast", &rd, err);
    int threads = tw_cli_threads(a);
    size_t n_run = 0;
    for (size_t i = 0; i < n; i++) n_run += hc_groups[rows[i].group].kind != HC_NONE;
    if (st == TW_OK && rank0 && !a->quiet)
        fprintf(stderr, "tradewar: hindcast of %zu decisions (%zu rows of %s), %zu replicates "
                        "each, seed %lu, %d threads x %d ranks\n",
                n_run, n, table, R, (unsigned long)seed, threads, tw_mpi_size());
    for (size_t i = 0; i < n && st == TW_OK; i++)
        if (hc_groups[rows[i].group].kind != HC_NONE)
            st = hc_forecast(a, base, seed, R, threads, &rows[i], err);
    st = tw_mpi_agree(st, err);
    uint64_t hash = TW_FNV_OFFSET;
    if (st == TW_OK && rank0) {
        char csv[8192];
        snprintf(csv, sizeof csv, "%s", tw_cli_rundir_path(rd, "hindcast.csv"));
        st = hc_write_csv(csv, rows, n, R, err);
        if (st == TW_OK) st = tw_hash_file(csv, &hash, err);
        tw_cli_result res = {R, threads, tw_run_resolve_mode(a->par, threads, R), hash};
        if (st == TW_OK)
            st = tw_cli_write_hindcast_provenance(tw_cli_rundir_path(rd, "provenance.yaml"),
                                                  model, a, base, table, &res, seed, err);
    }
    char dir[4096] = "";
    if (rd != NULL) snprintf(dir, sizeof dir, "%s", tw_cli_rundir_dir(rd));
    st = tw_cli_rundir_finish(rd, tw_mpi_agree(st, err), false, err);
    if (st == TW_OK && rank0 && !a->silent) hc_print(rows, n, R, dir);
    free(rows);
    /* --report: the reliability diagram and the scores in DIR/report (analysis/report.py). */
    if (st == TW_OK && a->report)
        st = tw_mpi_agree(rank0 ? tw_cli_report_dir(dir, a->quiet, err) : TW_OK, err);
    return st;
}
