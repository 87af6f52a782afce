/* The runner with a toy model of its own: a second model plugs in without touching the
 * engine, and results do not depend on threads or the level of parallelism. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tw_config.h"
#include "tw_model.h"
#include "tw_batch.h"
#include "tw_runner.h"
#include "tw_test_support.h"

/* Toy: n agents each doing a random walk with steps uniform in (-0.5, 0.5). */
typedef struct {
    size_t n;
    int fail_replicate; /* -1: none */
} toy_params;

typedef struct {
    const toy_params *p;
    tw_rng_key key;
    tw_exec ex;
    double *x, *partial;
    uint32_t day;
    double mean, max;
    tw_event log[8]; /* a "record" event whenever the mean reaches a new high */
    size_t n_log;
} toy_state;

static tw_status toy_load(const tw_cfg_node *root, void **params, tw_err *err) {
    toy_params *p = calloc(1, sizeof *p);
    int64_t n = 0, fail = -1;
    tw_status st = tw_cfg_int(root, "agents", true, 0, 1, 10000000, &n, err);
    if (st == TW_OK) st = tw_cfg_int(root, "fail_replicate", false, -1, -1, 1000000, &fail, err);
    if (st != TW_OK) {
        free(p);
        return st;
    }
    p->n = (size_t)n;
    p->fail_replicate = (int)fail;
    *params = p;
    return TW_OK;
}
static void toy_free_params(void *p) { free(p); }
static size_t toy_n_series(const void *p) {
    (void)p;
    return 2;
}
static tw_series_label toy_series(const void *p, size_t i) {
    (void)p;
    return (tw_series_label){i == 0 ? "mean" : "max", "all", "all", "all"};
}
static size_t toy_n_outcomes(const void *p) {
    (void)p;
    return 1;
}
static const char *toy_outcome_name(const void *p, size_t i) {
    (void)p;
    (void)i;
    return "final_mean";
}
static tw_status toy_create(const void *vp, tw_rng_key key, tw_day start, const tw_exec *ex,
                            void **state, tw_err *err) {
    (void)start;
    const toy_params *p = vp;
    if ((int)key.k[1] == p->fail_replicate)
        return tw_err_set(err, TW_ERUNTIME, "replicate %u refused", key.k[1]);
    toy_state *s = calloc(1, sizeof *s);
    s->p = p;
    s->key = key;
    s->ex = *ex;
    s->x = calloc(p->n, sizeof *s->x);
    s->partial = calloc(tw_block_count(p->n) * 2, sizeof *s->partial);
    *state = s;
    return TW_OK;
}
static void toy_block(void *ctx, size_t b) {
    toy_state *s = ctx;
    size_t lo = b * TW_BLOCK, hi = lo + TW_BLOCK < s->p->n ? lo + TW_BLOCK : s->p->n;
    double sum = 0.0, mx = -INFINITY;
    for (size_t i = lo; i < hi; i++) {
        uint32_t w[4];
        tw_rng_words(s->key, s->day, i, 1, 0, w);
        s->x[i] += tw_u01d(w[0], w[1]) - 0.5;
        sum += s->x[i];
        if (s->x[i] > mx) mx = s->x[i];
    }
    s->partial[2 * b] = sum;
    s->partial[2 * b + 1] = mx;
}
static tw_status toy_step(void *vs, tw_day day, uint32_t d, tw_err *err) {
    (void)day;
    (void)err;
    toy_state *s = vs;
    s->day = d;
    size_t nb = tw_block_count(s->p->n);
    tw_exec_for(&s->ex, nb, toy_block, s);
    double tot[2];
    tw_reduce_blocks(s->partial, nb, 2, tot);
    s->mean = tot[0] / (double)s->p->n;
    s->max = -INFINITY;
    for (size_t b = 0; b < nb; b++)
        if (s->partial[2 * b + 1] > s->max) s->max = s->partial[2 * b + 1];
    /* An event log that depends on the replicate's random numbers, with a detail that
     * needs CSV quoting. */
    if (d % 4 == 3 && s->n_log < 8 && s->mean > 0.0) {
        tw_event *e = &s->log[s->n_log++];
        memset(e, 0, sizeof *e);
        e->date = day;
        snprintf(e->actor, sizeof e->actor, "toy");
        snprintf(e->event, sizeof e->event, "positive");
        snprintf(e->detail, sizeof e->detail, "mean %.6f, \"up\"", s->mean);
    }
    return TW_OK;
}
static const tw_event *toy_events(const void *vs, size_t *n) {
    const toy_state *s = vs;
    *n = s->n_log;
    return s->log;
}
static void toy_observe(const void *vs, double *out) {
    const toy_state *s = vs;
    out[0] = s->mean;
    out[1] = s->max;
}
static void toy_outcomes(const void *vs, double *out) { out[0] = ((const toy_state *)vs)->mean; }
static void toy_free_state(void *vs) {
    toy_state *s = vs;
    free(s->x);
    free(s->partial);
    free(s);
}

static const tw_model toy = {"toy",        toy_load,     toy_free_params, toy_n_series,
                             toy_series,   toy_n_outcomes, toy_outcome_name, toy_create,
                             toy_step,     toy_observe,  toy_outcomes,    toy_free_state,
                             toy_events};

static tw_results *run_toy(const char *yaml, int threads, tw_par_mode mode, tw_status *st,
                           tw_err *err) {
    tw_cfg *cfg = NULL;
    void *params = NULL;
    tw_run_spec spec;
    tw_results *res = NULL;
    *st = tw_cfg_load_string("toy.yaml", yaml, strlen(yaml), &cfg, err);
    if (*st == TW_OK) *st = tw_run_spec_load(tw_cfg_root(cfg), &spec, err);
    if (*st == TW_OK) *st = toy.load(tw_cfg_root(cfg), &params, err);
    if (*st == TW_OK) *st = tw_cfg_check_unused(cfg, err);
    if (*st == TW_OK) *st = tw_run(&toy, params, &spec, threads, mode, &res, err);
    if (params) toy.free_params(params);
    tw_cfg_free(cfg);
    return res;
}

static const char *toy_yaml = "start: 2025-01-01\nend: 2025-01-20\nseed: 5\nreplicates: 5\n"
                              "agents: 10000\n";

Test(runner, identical_for_any_thread_count_and_mode) {
    tw_err err;
    tw_status st;
    tw_results *ref = run_toy(toy_yaml, 1, TW_PAR_AUTO, &st, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert_eq(ref->n_out, 20);
    cr_assert_eq(ref->n_rep, 5);
    struct { int threads; tw_par_mode mode; } cases[] = {
        {2, TW_PAR_REPLICATES}, {3, TW_PAR_REPLICATES}, {2, TW_PAR_AGENTS}, {3, TW_PAR_AGENTS}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        tw_results *r = run_toy(toy_yaml, cases[c].threads, cases[c].mode, &st, &err);
        cr_assert_eq(st, TW_OK, "%s", err.msg);
        cr_assert_eq(r->mode, cases[c].mode);
        size_t n = r->n_rep * r->n_out * r->n_series;
        cr_assert(memcmp(r->series, ref->series, n * sizeof(double)) == 0, "case %zu", c);
        cr_assert(memcmp(r->outcomes, ref->outcomes, r->n_rep * sizeof(double)) == 0);
        tw_results_free(r);
    }
    /* Replicates differ from each other (their keys differ). */
    cr_assert_neq(ref->outcomes[0], ref->outcomes[1]);
    tw_results_free(ref);
}

Test(runner, output_interval_keeps_the_last_day) {
    tw_err err;
    tw_status st;
    tw_results *r = run_toy("start: 2025-01-01\nend: 2025-01-20\nreplicates: 2\nagents: 100\n"
                            "output:\n  interval_days: 7\n",
                            1, TW_PAR_AUTO, &st, &err);
    cr_assert_eq(st, TW_OK, "%s", err.msg);
    cr_assert_eq(r->n_out, 4); /* days 0, 7, 14 and 19 */
    tw_day d0;
    tw_date_parse("2025-01-01", &d0);
    cr_assert_eq(r->dates[0], d0);
    cr_assert_eq(r->dates[1], d0 + 7);
    cr_assert_eq(r->dates[2], d0 + 14);
    cr_assert_eq(r->dates[3], d0 + 19);
    tw_results_free(r);
}

Test(runner, lowest_failing_replicate_is_reported) {
    tw_err err;
    tw_status st;
    tw_results *r = run_toy("start: 2025-01-01\nend: 2025-01-05\nreplicates: 6\nagents: 10\n"
                            "fail_replicate: 4\n",
                            2, TW_PAR_REPLICATES, &st, &err);
    cr_assert_null(r);
    cr_assert_eq(st, TW_ERUNTIME);
    cr_assert_str_eq(err.msg, "replicate 4 refused");
}

Test(runner, spec_errors_name_the_key) {
    tw_err err;
    tw_status st;
    tw_results *r = run_toy("start: 2025-01-10\nend: 2025-01-05\nagents: 10\n", 1, TW_PAR_AUTO,
                            &st, &err);
    cr_assert_null(r);
    cr_assert_eq(st, TW_ECONFIG);
    cr_assert(strstr(err.msg, "toy.yaml:2:6: end: expected a date after start 2025-01-10") != NULL,
              "%s", err.msg);
    r = run_toy("start: 2025-01-01\nend: 2045-01-05\nagents: 10\n", 1, TW_PAR_AUTO, &st, &err);
    cr_assert_eq(st, TW_ECONFIG);
    cr_assert(strstr(err.msg, "end: expected at most 3660 days") != NULL, "%s", err.msg);
}

/* --- chunks, events and streamed batches --- */

typedef struct {
    tw_cfg *cfg;
    void *params;
    tw_run_spec spec;
} toy_setup;

static void toy_open(toy_setup *t, const char *yaml) {
    tw_err err;
    cr_assert_eq(tw_cfg_load_string("toy.yaml", yaml, strlen(yaml), &t->cfg, &err), TW_OK);
    cr_assert_eq(tw_run_spec_load(tw_cfg_root(t->cfg), &t->spec, &err), TW_OK, "%s", err.msg);
    cr_assert_eq(toy.load(tw_cfg_root(t->cfg), &t->params, &err), TW_OK, "%s", err.msg);
}

static void toy_close(toy_setup *t) {
    toy.free_params(t->params);
    tw_cfg_free(t->cfg);
}

Test(chunk, events_are_copied_in_replicate_order_whatever_the_threads) {
    toy_setup t;
    toy_open(&t, toy_yaml);
    tw_chunk ref = {0}, other = {0};
    tw_err err;
    cr_assert_eq(tw_chunk_run(&toy, t.params, &t.spec, 1, TW_PAR_REPLICATES, 0, 5, &ref, &err),
                 TW_OK, "%s", err.msg);
    cr_assert_gt(ref.events_len, 0);
    size_t total = 0;
    for (size_t i = 0; i < 5; i++) total += ref.n_events[i];
    cr_assert_eq(total, ref.events_len);
    tw_par_mode modes[] = {TW_PAR_REPLICATES, TW_PAR_AGENTS};
    for (int m = 0; m < 2; m++) {
        cr_assert_eq(tw_chunk_run(&toy, t.params, &t.spec, 3, modes[m], 0, 5, &other, &err), TW_OK);
        cr_assert_eq(other.events_len, ref.events_len);
        cr_assert(memcmp(other.n_events, ref.n_events, 5 * sizeof *ref.n_events) == 0);
        cr_assert(memcmp(other.events, ref.events, ref.events_len * sizeof(tw_event)) == 0);
        cr_assert(memcmp(other.series, ref.series, 5 * ref.n_out * 2 * sizeof(double)) == 0);
        tw_chunk_clear(&other);
    }
    /* A chunk that starts later holds the same replicates as the tail of a longer one. */
    cr_assert_eq(tw_chunk_run(&toy, t.params, &t.spec, 2, TW_PAR_REPLICATES, 3, 2, &other, &err),
                 TW_OK);
    cr_assert(memcmp(other.outcomes, ref.outcomes + 3, 2 * sizeof(double)) == 0);
    tw_chunk_clear(&other);
    tw_chunk_clear(&ref);
    toy_close(&t);
}

/* A whole streamed batch of the toy model: events.csv holds every replicate's log in
 * replicate order with the detail quoted, and the files do not depend on threads. */
Test(chunk, batch_writes_events_csv_in_replicate_order_with_quoting) {
    toy_setup t;
    toy_open(&t, toy_yaml);
    char *dirs[2];
    for (int k = 0; k < 2; k++) {
        dirs[k] = tw_tmpdir();
        tw_batch_opts o = {&toy, t.params, &t.spec, k == 0 ? 1 : 3, TW_PAR_AUTO, 1, dirs[k],
                           true, false, 42, -1, 0.0};
        tw_batch *b = NULL;
        tw_err err;
        cr_assert_eq(tw_batch_open(&o, &b, &err), TW_OK, "%s", err.msg);
        while (!tw_batch_done(b)) cr_assert_eq(tw_batch_step(b, &err), TW_OK, "%s", err.msg);
        cr_assert_eq(tw_batch_completed(b), 5);
        cr_assert_eq(tw_batch_finish(b, &err), TW_OK, "%s", err.msg);
        tw_batch_free(b);
    }
    char a[4200], c[4200];
    const char *names[] = {"events.csv", "summary.csv", "replicates.csv", "trajectories.csv"};
    for (int f = 0; f < 4; f++) {
        snprintf(a, sizeof a, "%s/%s", dirs[0], names[f]);
        snprintf(c, sizeof c, "%s/%s", dirs[1], names[f]);
        cr_assert(tw_files_equal(a, c), "%s differs between 1 and 3 threads", names[f]);
    }
    snprintf(a, sizeof a, "%s/events.csv", dirs[0]);
    char *ev = tw_slurp(a, NULL);
    cr_assert_not_null(ev);
    cr_assert(strncmp(ev, "replicate,date,actor,event,detail\n", 34) == 0);
    cr_assert(strstr(ev, ",toy,positive,\"mean ") != NULL, "%s", ev);
    cr_assert(strstr(ev, ", \"\"up\"\"\"\n") != NULL, "%s", ev);
    /* replicate numbers never decrease */
    long prev = -1;
    for (char *line = strchr(ev, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        long r = strtol(line + 1, NULL, 10);
        cr_assert_geq(r, prev);
        prev = r;
    }
    cr_assert_gt(prev, 0, "events from more than one replicate");
    free(ev);
    snprintf(a, sizeof a, "%s/trajectories.csv", dirs[0]);
    char *tr = tw_slurp(a, NULL);
    cr_assert(strncmp(tr, "replicate,date,mean.all.all.all,max.all.all.all\n", 48) == 0);
    cr_assert_eq(tw_count_lines(tr), 1 + 5 * 20);
    free(tr);
    for (int k = 0; k < 2; k++) {
        tw_rmtree(dirs[k]);
        free(dirs[k]);
    }
    toy_close(&t);
}

/* A batch fed chunks the caller ran (tw_batch_feed), cut unevenly, with one fed twice and
 * the total set where the feeding stopped, writes the bytes of a batch that ran the same
 * replicates itself; a gap is refused. */
Test(chunk, a_fed_batch_writes_the_files_of_a_batch_that_ran_them) {
    toy_setup t;
    toy_open(&t, toy_yaml);
    char *dirs[2];
    tw_err err;
    for (int k = 0; k < 2; k++) {
        dirs[k] = tw_tmpdir();
        tw_run_spec open = t.spec;
        if (k == 1) open.replicates = TW_MAX_REPLICATES; /* an upper bound, ended below */
        tw_batch_opts o = {&toy, t.params, &open, 2, TW_PAR_AUTO, 1, dirs[k], true, false, 42,
                           -1, 0.0};
        tw_batch *b = NULL;
        cr_assert_eq(tw_batch_open(&o, &b, &err), TW_OK, "%s", err.msg);
        if (k == 0) {
            while (!tw_batch_done(b)) cr_assert_eq(tw_batch_step(b, &err), TW_OK, "%s", err.msg);
        } else {
            const size_t cut[][2] = {{0, 2}, {0, 2}, {2, 1}, {3, 2}}; /* {0, 2} twice */
            for (int c = 0; c < 4; c++) {
                tw_chunk ch = {0};
                cr_assert_eq(tw_chunk_run_spread(&toy, t.params, &t.spec, 2, TW_PAR_REPLICATES,
                                                 1, cut[c][0], cut[c][1], &ch, &err), TW_OK);
                cr_assert_eq(tw_batch_feed(b, &ch, cut[c][0], cut[c][1], &err), TW_OK, "%s",
                             err.msg);
                tw_chunk_clear(&ch);
            }
            cr_assert_eq(tw_batch_feed(b, NULL, 6, 1, &err), TW_EUSAGE, "a gap after 5");
            cr_assert(!tw_batch_done(b));
            tw_batch_end_here(b);
            cr_assert(tw_batch_done(b));
        }
        cr_assert_eq(tw_batch_total(b), 5);
        cr_assert_eq(tw_batch_finish(b, &err), TW_OK, "%s", err.msg);
        tw_batch_free(b);
    }
    char a[4200], c[4200];
    const char *names[] = {"events.csv", "summary.csv", "replicates.csv", "outcomes.csv",
                           "trajectories.csv"};
    for (int f = 0; f < 5; f++) {
        snprintf(a, sizeof a, "%s/%s", dirs[0], names[f]);
        snprintf(c, sizeof c, "%s/%s", dirs[1], names[f]);
        cr_assert(tw_files_equal(a, c), "%s: fed and run differ", names[f]);
    }
    for (int k = 0; k < 2; k++) {
        tw_rmtree(dirs[k]);
        free(dirs[k]);
    }
    toy_close(&t);
}
