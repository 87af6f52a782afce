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

static bool tw__is_output_day(const tw_run_spec *spec, uint32_t d) {
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

/* auto: replicate level when there are at least as many replicates as threads. */
static tw_par_mode tw__resolve_mode(tw_par_mode mode, int threads, size_t n_rep) {
    if (mode != TW_PAR_AUTO) return mode;
    return (threads > 1 && n_rep < (size_t)threads) ? TW_PAR_AGENTS : TW_PAR_REPLICATES;
}

tw_status tw_run_check_memory(const tw_model *model, const void *params, const tw_run_spec *spec,
                              int threads, tw_par_mode mode, tw_err *err) {
    if (model->state_bytes == NULL || threads < 1) return TW_OK;
    size_t n_rep = (size_t)spec->replicates;
    size_t live = tw__resolve_mode(mode, threads, n_rep) == TW_PAR_REPLICATES
                      ? (n_rep < (size_t)threads ? n_rep : (size_t)threads)
                      : 1;
    double state = (double)model->state_bytes(params);
    double results = (double)n_rep * (double)tw_run_output_days(spec) *
                     (double)model->n_series(params) * sizeof(double);
    double need = (double)live * state + results;
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
                      "%.2f GiB%s, plus %.2f GiB of results) but the %s is %.1f GiB: use "
                      "fewer firms (firms.per_cell)%s",
                      need / gib, live, live == 1 ? "" : "s", state / gib,
                      live == 1 ? "" : " each", results / gib, what,
                      limit / gib,
                      live > 1 ? ", fewer threads (-t) or --parallel agents" : "");
}

/* One replicate from start to end. */
static tw_status tw__run_one(const tw_model *model, const void *params,
                             const tw_run_spec *spec, size_t r, const tw_exec *ex,
                             tw_results *res, tw_err *err) {
    void *state = NULL;
    tw_rng_key key = tw_rng_key_make(spec->seed, (uint32_t)r);
    tw_status st = model->create(params, key, spec->start, ex, &state, err);
    if (st != TW_OK) return st;
    double *row = res->series + r * res->n_out * res->n_series;
    size_t k = 0;
    uint32_t ndays = (uint32_t)(spec->end - spec->start) + 1;
    for (uint32_t d = 0; d < ndays; d++) {
        st = model->step(state, spec->start + (tw_day)d, d, err);
        if (st != TW_OK) break;
        if (tw__is_output_day(spec, d)) {
            model->observe(state, row + k * res->n_series);
            k++;
        }
    }
    if (st == TW_OK) model->outcomes(state, res->outcomes + r * res->n_outcomes);
    model->free_state(state);
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
        if (tw__is_output_day(spec, (uint32_t)d)) res->dates[k++] = spec->start + (tw_day)d;

    mode = tw__resolve_mode(mode, threads, n_rep);
    res->mode = mode;
    res->threads = threads;
    if (mode == TW_PAR_REPLICATES) {
        tw_exec ex = {1};
        long long nr = (long long)n_rep;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (long long r = 0; r < nr; r++)
            status[r] = tw__run_one(model, params, spec, (size_t)r, &ex, res, &errs[r]);
    } else {
        tw_exec ex = {threads};
        for (size_t r = 0; r < n_rep; r++) {
            status[r] = tw__run_one(model, params, spec, r, &ex, res, &errs[r]);
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
