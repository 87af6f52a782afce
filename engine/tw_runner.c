/* tw_runner.c - replicates over days, with OpenMP over replicates or inside them.
 *
 * Results are stored by (replicate, output day, series) so that the thread that ran a
 * replicate leaves no trace in the output. Errors are kept per replicate and the lowest
 * failing replicate's error is reported, again independent of scheduling.
 */
#include "tw_runner.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <omp.h>

#include "tw_stats.h"

tw_status tw_run_spec_load(const tw_cfg_node *root, tw_run_spec *spec, tw_err *err) {
    tw_status st;
    int64_t seed = 1, reps = 16, interval = 1;
    if ((st = tw_cfg_date(root, "start", true, 0, &spec->start, err)) != TW_OK) return st;
    if ((st = tw_cfg_date(root, "end", true, 0, &spec->end, err)) != TW_OK) return st;
    if (spec->end <= spec->start) {
        char a[TW_DATE_STRLEN];
        return tw_cfg_error(err, tw_cfg_get(root, "end"), "expected a date after start %s",
                            tw_date_format(spec->start, a));
    }
    if (spec->end - spec->start + 1 > TW_MAX_DAYS)
        return tw_cfg_error(err, tw_cfg_get(root, "end"),
                            "expected at most %d days from start (got %ld)", TW_MAX_DAYS,
                            (long)(spec->end - spec->start + 1));
    if ((st = tw_cfg_int(root, "seed", false, 1, 0, UINT32_MAX, &seed, err)) != TW_OK) return st;
    if ((st = tw_cfg_int(root, "replicates", false, 16, 1, TW_MAX_REPLICATES, &reps, err)) !=
        TW_OK)
        return st;
    const tw_cfg_node *out = tw_cfg_get(root, "output");
    if (out != NULL) {
        if (tw_cfg_kind_of(out) != TW_CFG_MAP)
            return tw_cfg_error(err, out, "expected a map of output settings");
        if ((st = tw_cfg_int(out, "interval_days", false, 1, 1, 366, &interval, err)) != TW_OK)
            return st;
    }
    spec->seed = (uint32_t)seed;
    spec->replicates = reps;
    spec->interval_days = (int)interval;
    return TW_OK;
}

size_t tw_run_output_days(const tw_run_spec *spec) {
    size_t ndays = (size_t)(spec->end - spec->start) + 1;
    size_t every = (size_t)spec->interval_days;
    size_t n = (ndays + every - 1) / every; /* days 0, every, 2*every, ... */
    if ((ndays - 1) % every != 0) n++;      /* plus the last day */
    return n;
}

static bool is_output_day(const tw_run_spec *spec, uint32_t d) {
    uint32_t last = (uint32_t)(spec->end - spec->start);
    return d % (uint32_t)spec->interval_days == 0 || d == last;
}

void tw_results_free(tw_results *res) {
    if (res == NULL) return;
    free(res->dates);
    free(res->series);
    free(res->outcomes);
    free(res);
}

tw_status tw_run_check_memory(const tw_model *model, const void *params, const tw_run_spec *spec,
                              int threads, tw_par_mode mode, tw_err *err) {
    if (threads < 1) return TW_OK;
    size_t n_rep = (size_t)spec->replicates;
    size_t live = tw_run_resolve_mode(mode, threads, n_rep) == TW_PAR_REPLICATES
                      ? (n_rep < (size_t)threads ? n_rep : (size_t)threads)
                      : 1;
    double state = model->state_bytes != NULL ? (double)model->state_bytes(params) : 0.0;
    /* A batch holds one chunk of results at a time (tw_batch.c). */
    size_t chunk = live * TW_CHUNK_PER_THREAD;
    if (chunk > n_rep) chunk = n_rep;
    size_t cells = tw_run_output_days(spec) * model->n_series(params);
    double results = (double)chunk * (double)cells * sizeof(double);
    /* The statistics: one sketch per summary cell and per outcome, each at its bound for
     * the run's replicates (tw_stats.h), so the peak does not depend on the values the run
     * will produce. */
    size_t sketches = cells + model->n_outcomes(params);
    size_t per = tw_sketch_bound_bytes((uint64_t)n_rep);
    double stats = (double)sketches * (double)per + (double)TW_SKETCH_GROW_BYTES;
    double need = (double)live * state + results + stats;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double limit = (pages > 0 && page > 0) ? (double)pages * (double)page : 0.0;
    const char *what = "physical memory";
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (limit == 0.0 || (double)rl.rlim_cur < limit)) {
        limit = (double)rl.rlim_cur;
        what = "address-space limit (ulimit -v)";
    }
    if (limit == 0.0 || need <= limit) return TW_OK;
    const double gib = 1073741824.0;
    return tw_err_set(err, TW_EUSAGE,
                      "the run needs about %.1f GiB of memory (%zu replicate%s held at once of "
                      "%.2f GiB%s, %.2f GiB of results, and %.2f GiB of statistics: %zu "
                      "summary cells and outcomes at up to %zu bytes each for %zu "
                      "replicate%s) but the %s is %.1f GiB: use %s",
                      need / gib, live, live == 1 ? "" : "s", state / gib,
                      live == 1 ? "" : " each", results / gib, stats / gib, sketches,
                      per, n_rep, n_rep == 1 ? "" : "s", what, limit / gib,
                      stats > (double)live * state
                          ? "fewer output days (output.interval_days, a shorter run) or "
                            "fewer firms (firms.per_cell)"
                          : live > 1 ? "fewer firms (firms.per_cell), fewer threads (-t) or "
                                       "--parallel agents, or fewer output days "
                                       "(output.interval_days)"
                                     : "fewer firms (firms.per_cell) or fewer output days "
                                       "(output.interval_days)");
}

/* One replicate from start to end: series rows into row ([n_out][n_series]), outcomes
 * into outc, and, when the model keeps one, a copy of its event log into *ev / *n_ev
 * (ev may be NULL when the caller does not want events). */
static tw_status run_one(const tw_model *model, const void *params,
                         const tw_run_spec *spec, size_t r, const tw_exec *ex,
                         size_t n_series, double *row, double *outc, tw_event **ev,
                         uint64_t *n_ev, tw_err *err) {
    void *state = NULL;
    tw_rng_key key = tw_rng_key_make(spec->seed, (uint32_t)r);
    tw_status st = model->create(params, key, spec->start, ex, &state, err);
    if (st != TW_OK) return st;
    size_t k = 0;
    uint32_t ndays = (uint32_t)(spec->end - spec->start) + 1;
    for (uint32_t d = 0; d < ndays; d++) {
        st = model->step(state, spec->start + (tw_day)d, d, err);
        if (st != TW_OK) break;
        if (is_output_day(spec, d)) {
            model->observe(state, row + k * n_series);
            k++;
        }
    }
    if (st == TW_OK) model->outcomes(state, outc);
    if (st == TW_OK && ev != NULL && model->events != NULL) {
        size_t n = 0;
        const tw_event *log = model->events(state, &n);
        if (n > 0) {
            *ev = malloc(n * sizeof **ev);
            if (*ev == NULL)
                st = tw_err_set(err, TW_ENOMEM, "out of memory copying %zu events", n);
            else
                memcpy(*ev, log, n * sizeof **ev);
        }
        if (st == TW_OK) *n_ev = n;
    }
    model->free_state(state);
    return st;
}

tw_par_mode tw_run_resolve_mode(tw_par_mode mode, int threads, size_t n_rep) {
    if (mode != TW_PAR_AUTO) return mode;
    return (threads > 1 && n_rep < (size_t)threads) ? TW_PAR_AGENTS : TW_PAR_REPLICATES;
}

void tw_chunk_clear(tw_chunk *ch) {
    if (ch == NULL) return;
    free(ch->series);
    free(ch->outcomes);
    free(ch->n_events);
    free(ch->events);
    memset(ch, 0, sizeof *ch);
}

tw_status tw_chunk_alloc(tw_chunk *ch, size_t n, size_t n_out, size_t n_series,
                         size_t n_outcomes, tw_err *err) {
    memset(ch, 0, sizeof *ch);
    ch->n = n;
    ch->n_out = n_out;
    ch->n_series = n_series;
    ch->n_outcomes = n_outcomes;
    ch->series = malloc((n * n_out * n_series + 1) * sizeof *ch->series);
    ch->outcomes = malloc((n * n_outcomes + 1) * sizeof *ch->outcomes);
    ch->n_events = calloc(n + 1, sizeof *ch->n_events);
    if (ch->series == NULL || ch->outcomes == NULL || ch->n_events == NULL) {
        tw_chunk_clear(ch);
        return tw_err_set(err, TW_ENOMEM, "out of memory for a chunk of %zu replicates", n);
    }
    return TW_OK;
}

tw_status tw_chunk_run(const tw_model *model, const void *params, const tw_run_spec *spec,
                       int threads, tw_par_mode mode, size_t r0, size_t n, tw_chunk *ch,
                       tw_err *err) {
    size_t n_out = tw_run_output_days(spec);
    size_t n_series = model->n_series(params), n_outcomes = model->n_outcomes(params);
    tw_status st = tw_chunk_alloc(ch, n, n_out, n_series, n_outcomes, err);
    if (st != TW_OK) return st;
    ch->r0 = r0;
    tw_status *status = calloc(n + 1, sizeof *status);
    tw_err *errs = calloc(n + 1, sizeof *errs);
    tw_event **ev = calloc(n + 1, sizeof *ev);
    if (status == NULL || errs == NULL || ev == NULL) {
        free(status);
        free(errs);
        free(ev);
        tw_chunk_clear(ch);
        return tw_err_set(err, TW_ENOMEM, "out of memory for a chunk of %zu replicates", n);
    }
    size_t row = n_out * n_series;
    if (mode == TW_PAR_REPLICATES && threads > 1) {
        tw_exec ex = {1, NULL};
        long long nn = (long long)n;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (long long i = 0; i < nn; i++)
            status[i] = run_one(model, params, spec, r0 + (size_t)i, &ex, n_series,
                                ch->series + (size_t)i * row,
                                ch->outcomes + (size_t)i * n_outcomes, &ev[i],
                                &ch->n_events[i], &errs[i]);
    } else {
        tw_exec ex = {mode == TW_PAR_AGENTS ? threads : 1, NULL};
        for (size_t i = 0; i < n; i++) {
            status[i] = run_one(model, params, spec, r0 + i, &ex, n_series,
                                ch->series + i * row, ch->outcomes + i * n_outcomes, &ev[i],
                                &ch->n_events[i], &errs[i]);
            if (status[i] != TW_OK) break;
        }
    }
    for (size_t i = 0; i < n && st == TW_OK; i++) {
        if (status[i] != TW_OK) {
            st = status[i];
            if (err != NULL) *err = errs[i];
        }
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += ch->n_events[i];
    if (st == TW_OK && total > 0) {
        ch->events = malloc(total * sizeof *ch->events);
        if (ch->events == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory for %zu events", total);
        for (size_t i = 0, at = 0; i < n && st == TW_OK; i++) {
            if (ch->n_events[i] > 0) memcpy(ch->events + at, ev[i], ch->n_events[i] * sizeof *ev[i]);
            at += ch->n_events[i];
        }
        ch->events_len = total;
    }
    for (size_t i = 0; i < n; i++) free(ev[i]);
    free(ev);
    free(status);
    free(errs);
    if (st != TW_OK) tw_chunk_clear(ch);
    return st;
}

tw_status tw_run(const tw_model *model, const void *params, const tw_run_spec *spec,
                 int threads, tw_par_mode mode, tw_results **out, tw_err *err) {
    *out = NULL;
    if (threads < 1 || threads > TW_MAX_THREADS)
        return tw_err_set(err, TW_EUSAGE, "threads: expected 1 to %d (got %d)", TW_MAX_THREADS,
                          threads);
    size_t n_rep = (size_t)spec->replicates, n_out = tw_run_output_days(spec);
    size_t n_series = model->n_series(params), n_outcomes = model->n_outcomes(params);
    double cells = (double)n_rep * (double)n_out * (double)n_series;
    if (cells * sizeof(double) > (double)TW_MAX_RESULT_BYTES)
        return tw_err_set(err, TW_EUSAGE,
                          "the run would keep %.1f GiB of series in memory (limit %.0f GiB): "
                          "use fewer replicates or a larger output.interval_days",
                          cells * sizeof(double) / 1073741824.0,
                          (double)TW_MAX_RESULT_BYTES / 1073741824.0);
    tw_results *res = calloc(1, sizeof *res);
    tw_status *status = calloc(n_rep, sizeof *status);
    tw_err *errs = calloc(n_rep, sizeof *errs);
    if (res != NULL) {
        res->n_rep = n_rep;
        res->n_out = n_out;
        res->n_series = n_series;
        res->n_outcomes = n_outcomes;
        res->dates = malloc(n_out * sizeof *res->dates);
        res->series = malloc((size_t)cells * sizeof *res->series);
        res->outcomes = malloc((n_rep * n_outcomes + 1) * sizeof *res->outcomes);
    }
    if (res == NULL || status == NULL || errs == NULL || res->dates == NULL ||
        res->series == NULL || res->outcomes == NULL) {
        tw_results_free(res);
        free(status);
        free(errs);
        return tw_err_set(err, TW_ENOMEM, "out of memory allocating results for %zu replicates",
                          n_rep);
    }
    for (size_t k = 0, d = 0; d <= (size_t)(spec->end - spec->start); d++)
        if (is_output_day(spec, (uint32_t)d)) res->dates[k++] = spec->start + (tw_day)d;

    mode = tw_run_resolve_mode(mode, threads, n_rep);
    res->mode = mode;
    res->threads = threads;
    if (mode == TW_PAR_REPLICATES) {
        tw_exec ex = {1, NULL};
        long long nr = (long long)n_rep;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (long long r = 0; r < nr; r++)
            status[r] = run_one(model, params, spec, (size_t)r, &ex, n_series,
                                res->series + (size_t)r * n_out * n_series,
                                res->outcomes + (size_t)r * n_outcomes, NULL, NULL, &errs[r]);
    } else {
        tw_exec ex = {threads, NULL};
        for (size_t r = 0; r < n_rep; r++) {
            status[r] = run_one(model, params, spec, r, &ex, n_series,
                                res->series + r * n_out * n_series,
                                res->outcomes + r * n_outcomes, NULL, NULL, &errs[r]);
            if (status[r] != TW_OK) break;
        }
    }
    tw_status st = TW_OK;
    for (size_t r = 0; r < n_rep; r++) {
        if (status[r] != TW_OK) {
            st = status[r];
            if (err != NULL) *err = errs[r];
            break;
        }
    }
    free(status);
    free(errs);
    if (st != TW_OK) {
        tw_results_free(res);
        return st;
    }
    *out = res;
    return TW_OK;
}
