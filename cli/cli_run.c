/* cli_run.c - `tradewar run`: one batch, or one batch per point of a sweep, into an output
 * directory, then provenance, commit, the terminal summary and --report.
 *
 * The phases: load and refuse (scenario, --until, memory), open the output directory
 * (or reopen it with --resume), record the command and the resolved scenario, run (timed),
 * hash the results, write provenance.yaml, commit, report. A batch stopped by a signal
 * keeps its staging directory for --resume; any other failure leaves nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_batch.h"
#include "cli_mlmc.h"
#include "cli_provenance.h"
#include "cli_rundir.h"
#include "cli_scenario.h"
#include "tw_disk.h"
#include "tw_mpi.h"

/* --until OUTCOME:HALFWIDTH against the model's outcome names: an unknown name is refused
 * with the list of valid ones; a budget below the first check (TW_UNTIL_STEP x 2) is run
 * whole, and said so. */
static tw_status parse_until(const tw_cli_args *a, const tw_cli_scenario *sc, long *k,
                             double *hw, tw_err *err) {
    *k = -1;
    *hw = 0.0;
    if (a->until == NULL) return TW_OK;
    const char *colon = strrchr(a->until, ':');
    size_t len = (size_t)(colon - a->until);
    size_t n = sc->model->n_outcomes(sc->params);
    size_t n_drawn = sc->model->n_drawn != NULL ? sc->model->n_drawn(sc->params) : 0;
    char names[TW_ERR_MSG_MAX - 128] = ""; /* the valid names, cut at a name with ", ..." */
    size_t at = 0;
    bool cut = false;
    for (size_t i = 0; i < n; i++) {
        const char *name = sc->model->outcome_name(sc->params, i);
        if (strlen(name) == len && strncmp(name, a->until, len) == 0) *k = (long)i;
        if (i + n_drawn >= n || cut) continue;
        int w = snprintf(names + at, sizeof names - at, "%s%s", i ? ", " : "", name);
        if (w < 0 || (size_t)w + 6 >= sizeof names - at) {
            snprintf(names + at, sizeof names - at, ", ...");
            cut = true;
        } else {
            at += (size_t)w;
        }
    }
    if (*k < 0)
        return tw_err_set(err, TW_EUSAGE, "--until: unknown outcome '%.*s' (valid: %s)", (int)len,
                          a->until, names);
    char *end;
    errno = 0;
    *hw = strtod(colon + 1, &end);
    if (colon[1] == '\0' || *end != '\0' || errno != 0 || !(*hw > 0.0) || isinf(*hw))
        return tw_err_set(err, TW_EUSAGE, "--until: expected a half-width above 0 after ':' (got '%s')",
                          colon + 1);
    if (sc->spec.replicates < 2 * TW_UNTIL_STEP && !a->silent && tw_mpi_rank() == 0)
        fprintf(stderr, "tradewar: warning: --until: the budget of %lld replicates is below the "
                        "first check at %d; all %lld run and the half-width is not tested "
                        "(raise -n)\n", (long long)sc->spec.replicates, 2 * TW_UNTIL_STEP,
                (long long)sc->spec.replicates);
    return TW_OK;
}

/* Why an --until batch stopped where it did: the rule met, or the budget spent. */
static void until_print(FILE *fp, const tw_cli_scenario *sc, long k, double target,
                        const tw_batch *b) {
    size_t n = tw_batch_total(b), budget = (size_t)sc->spec.replicates;
    double hw = tw_batch_until_halfwidth(b);
    const char *name = sc->model->outcome_name(sc->params, (size_t)k);
    if (n < budget)
        fprintf(fp, "\n--until: stopped at %zu of up to %zu replicates: the 95%% half-width of "
                    "%s's mean is %.4g, below %g\n", n, budget, name, hw, target);
    else if (hw < target)
        fprintf(fp, "\n--until: ran all %zu replicates of the budget (the rule is tested from "
                    "%d); the 95%% half-width of %s's mean is %.4g, below %g\n", n,
                2 * TW_UNTIL_STEP, name, hw, target);
    else
        fprintf(fp, "\n--until: ran all %zu replicates of the budget without meeting the rule: "
                    "the 95%% half-width of %s's mean is %.4g, not below %g (raise -n for "
                    "more)\n", n, name, hw, target);
}

/* --report: hand the finished directory to analysis/report.py. The outputs are complete
 * and stay whatever the report does; a failing report is a runtime failure (exit 1). */
tw_status tw_cli_report_dir(const char *dir, bool quiet, tw_err *err) {
    const char *py = getenv("TW_PYTHON");
    if (py == NULL || py[0] == '\0') py = "/usr/bin/python3";
    char *argv[] = {(char *)py, (char *)TW_SOURCE_DIR "/analysis/report.py", (char *)dir,
                    quiet ? "-q" : NULL, NULL};
    if (tw_cli_spawn(argv, "--report", err) != TW_OK)
        return tw_err_set(err, TW_ERUNTIME,
                          "--report: analysis/report.py failed for %s (the outputs are complete)",
                          dir);
    return TW_OK;
}

/* A fresh run's disk space, before any file: the floor of what the batch writes against
 * the free space where its output is staged (beside the destination). A destination whose
 * parent is missing is left to tw_cli_rundir_open to refuse by name. Agreed over ranks. */
static tw_status check_disk(const tw_cli_args *a, const tw_cli_scenario *sc, tw_err *err) {
    tw_status st = TW_OK;
    if (a->resume == NULL && tw_mpi_rank() == 0) {
        char dest[4096], where[4096];
        if (a->outdir != NULL)
            snprintf(dest, sizeof dest, "%s", a->outdir);
        else
            snprintf(dest, sizeof dest, "out/%s", sc->name);
        size_t len = strlen(dest);
        while (len > 1 && dest[len - 1] == '/') dest[--len] = '\0';
        const char *slash = strrchr(dest, '/');
        if (slash == NULL)
            snprintf(where, sizeof where, ".");
        else
            snprintf(where, sizeof where, "%.*s", slash == dest ? 1 : (int)(slash - dest), dest);
        if (a->outdir == NULL && access(where, F_OK) != 0) snprintf(where, sizeof where, ".");
        int64_t n = sc->spec.replicates;
        if (a->until != NULL && n > 2 * TW_UNTIL_STEP) n = 2 * TW_UNTIL_STEP;
        tw_disk_need need;
        tw_disk_estimate(sc->model, sc->params, &sc->spec, n, a->trajectories, &need);
        if (sc->sweep != NULL) { /* each point keeps a batch's files in points/<k>/ */
            uint64_t k = sc->sweep->n_points;
            need.summary *= k;
            need.rows *= k;
            need.trajectories *= k;
        }
        char what[4200];
        snprintf(what, sizeof what, "-o %s", dest);
        if (access(where, F_OK) == 0) st = tw_disk_check(where, what, &need, err);
    }
    return tw_mpi_agree(st, err);
}

/* Everything refused before any file: the scenario, --until, a sweep's limits, memory,
 * disk space. */
static tw_status prepare(const tw_cli_args *a, tw_cli_scenario *sc, long *until_k,
                         double *until_hw, int *threads, tw_err *err) {
    tw_status st = tw_cli_load(a, a->scenario, sc, err);
    if (st != TW_OK) return st;
    *threads = tw_cli_threads(a);
    if ((st = parse_until(a, sc, until_k, until_hw, err)) == TW_OK &&
        sc->sweep != NULL && a->until != NULL)
        st = tw_err_set(err, TW_EUSAGE, "a scenario with a sweep: section does not take --until "
                                        "(each point runs the scenario's replicates)");
    if (st == TW_OK && sc->sweep != NULL) st = tw_cli_sweep_check(a, sc, err);
    if (st == TW_OK) { /* an adaptive run keeps up to its budget of full-size replicates */
        tw_run_spec spec = sc->spec;
        if (tw_cli_mlmc_wanted(a, sc)) spec.replicates = tw_cli_mlmc_max_full(a);
        st = tw_run_check_memory(sc->model, sc->params, &spec, *threads, a->par, err);
    }
    if (st == TW_OK) st = check_disk(a, sc, err);
    if (st != TW_OK) tw_cli_scenario_free(sc);
    return st;
}

/* Rank 0: the result's hash and provenance.yaml, just before the commit. */
static tw_status provenance(tw_cli_rundir *rd, const tw_cli_scenario *sc,
                            const tw_cli_args *a, tw_cli_result *r, tw_err *err) {
    tw_status st;
    if (sc->sweep != NULL) {
        r->result_hash = TW_FNV_OFFSET;
        st = tw_hash_file(tw_cli_rundir_path(rd, "sweep_outcomes.csv"), &r->result_hash, err);
    } else {
        st = tw_cli_result_hash(tw_cli_rundir_staging(rd), &r->result_hash, err);
    }
    if (st != TW_OK) return st;
    return tw_cli_write_provenance(tw_cli_rundir_path(rd, "provenance.yaml"), sc, a, r, err);
}

/* --resume of a directory whose outputs were complete when the run stopped, with only the
 * commit's renames left (no command file; cli_rundir.h): do them. */
static tw_status commit_only(const tw_cli_args *a, tw_err *err) {
    tw_cli_rundir *rd = NULL;
    tw_status st = tw_cli_rundir_open(a, "", &rd, err);
    if (st != TW_OK) return st;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tw_cli_rundir_dir(rd));
    st = tw_cli_rundir_finish(rd, TW_OK, true, err);
    if (st == TW_OK && !a->silent && tw_mpi_rank() == 0)
        printf("the batch in %s.partial was complete; moved into place\nwritten: %s\n", dir, dir);
    return st;
}

tw_status tw_cli_run(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    if (a->resume != NULL && a->scenario == NULL) return commit_only(a, err);
    bool rank0 = tw_mpi_rank() == 0;
    tw_cli_scenario sc;
    long until_k;
    double until_hw;
    int threads;
    tw_status st = prepare(a, &sc, &until_k, &until_hw, &threads, err);
    if (st != TW_OK) return st;
    tw_cli_rundir *rd = NULL;
    bool complete = false;
    size_t done = 0;
    st = tw_cli_rundir_open(a, sc.name, &rd, err);
    if (st == TW_OK) st = tw_cli_rundir_record(rd, argc, argv, sc.cfg, err);
    if (st == TW_OK && a->resume != NULL) st = tw_cli_rundir_complete(rd, &complete, &done, err);
    if (st != TW_OK) {
        tw_cli_rundir_close(rd, a->resume != NULL);
        tw_cli_scenario_free(&sc);
        return st;
    }
    char dir[4096]; /* for the messages after rd is gone */
    snprintf(dir, sizeof dir, "%s", tw_cli_rundir_dir(rd));
    bool adaptive = tw_cli_mlmc_wanted(a, &sc) && !complete;
    if (!a->quiet && rank0) {
        char d0[TW_DATE_STRLEN], d1[TW_DATE_STRLEN], until[TW_ERR_MSG_MAX] = "", reps[64];
        if (until_k >= 0)
            snprintf(until, sizeof until, " (--until: fewer once the 95%% half-width of %s's "
                                          "mean is below %g, tested every %d from %d)",
                     sc.model->outcome_name(sc.params, (size_t)until_k), until_hw,
                     TW_UNTIL_STEP, 2 * TW_UNTIL_STEP);
        snprintf(reps, sizeof reps, "%s%lld replicates", until_k >= 0 ? "up to " : "",
                 (long long)sc.spec.replicates);
        fprintf(stderr, "tradewar: %s, %s to %s, %s%s, seed %lu, %d threads x %d ranks%s\n",
                sc.name, tw_date_format(sc.spec.start, d0), tw_date_format(sc.spec.end, d1),
                adaptive ? "adaptive replicates (multilevel; -n fixes a count)" : reps, until,
                (unsigned long)sc.spec.seed, threads, tw_mpi_size(),
                a->resume ? " (resumed)" : "");
    }
    tw_cli_mlmc ml;
    memset(&ml, 0, sizeof ml);
    double t0 = tw_cli_now(), secs = 0.0;
    tw_cli_result res = {(size_t)sc.spec.replicates, threads, a->par, 0};
    tw_batch *b = NULL;
    tw_drivers drivers = {0};
    size_t ran = 0;
    bool keep = true; /* a failure from here on keeps DIR.partial for --resume */
    if (sc.sweep != NULL) {
        st = tw_cli_sweep(a, &sc, rd, threads, &keep, err);
        keep = keep || st == TW_OK;
        if (st == TW_EUSAGE) { /* a refused resume: its message says what to do */
            tw_cli_rundir_close(rd, keep);
            tw_cli_scenario_free(&sc);
            return st;
        }
    } else if (complete) {
        /* Killed after the batch's files were final: only provenance and the commit. */
        res.replicates = done;
        res.mode = tw_run_resolve_mode(a->par, threads, done);
    } else {
        tw_cli_batch_plan pl = {tw_cli_rundir_staging(rd), threads, a->par, tw_mpi_size(),
                                a->resume != NULL, !a->quiet && isatty(STDERR_FILENO),
                                a->trajectories, a->has_checkpoint ? a->checkpoint_every : 10,
                                until_k, until_hw, dir};
        bool stopped = false;
        if (adaptive) {
            /* The levels, with the files made of their full-size replicates (cli_mlmc.h). */
            st = tw_cli_mlmc_batch(a, &sc, &pl, &ml, &b, &secs, err);
            stopped = ml.stopped;
            ran = b != NULL ? tw_batch_total(b) : 0;
            if (b != NULL) res.mode = tw_batch_mode(b);
        } else {
            st = tw_cli_batch(&sc, &pl, &res.mode, &secs, &ran, &b, &stopped, err);
        }
        if (st != TW_OK) {
            /* A batch stopped by a signal to any rank (the stop the ranks agreed on, not
             * this rank's own flag), any resumed one, and one with a checkpoint keep
             * DIR.partial for --resume (a full disk must not delete finished work); a fresh
             * batch that failed before its first checkpoint leaves nothing. */
            keep = stopped || a->resume != NULL || tw_cli_rundir_resumable(rd);
            st = tw_cli_rundir_finish(rd, st, keep, err);
            tw_cli_mlmc_free(&ml);
            tw_cli_scenario_free(&sc);
            return st;
        }
        res.replicates = tw_batch_total(b);
    }
    /* What drives each outcome, from the finished replicates.csv (the same bytes for any
     * thread or rank count and after a resume); written again, the same bytes, by a resume
     * that found the batch complete, in case the kill came before it. */
    if (st == TW_OK && rank0 && sc.sweep == NULL) {
        size_t n_drawn = sc.model->n_drawn != NULL ? sc.model->n_drawn(sc.params) : 0;
        st = tw_drivers_run(tw_cli_rundir_staging(rd), n_drawn, (uint32_t)sc.spec.seed,
                            &drivers, err);
    }
    double t1 = tw_cli_now();
    if (st == TW_OK && rank0) st = provenance(rd, &sc, a, &res, err);
    /* From here a batch or a sweep is complete on disk: a failure (or a DIR that appeared
     * meanwhile) keeps it for --resume. */
    st = tw_cli_rundir_finish(rd, st, keep, err);
    double t2 = tw_cli_now();
    if (st == TW_OK && !a->silent && rank0 && sc.sweep != NULL) {
        printf("sweep: %zu points x %lld replicates in %.2f s\nwritten: %s/{sweep_points.csv,"
               "sweep_outcomes.csv,sensitivity.csv,points/<k>/}\n",
               sc.sweep->n_points, (long long)sc.spec.replicates, t2 - t0, dir);
    } else if (st == TW_OK && !a->silent && rank0 && b == NULL) {
        printf("the batch was complete; result hash %016llx\nwritten: %s\n",
               (unsigned long long)res.result_hash, dir);
    } else if (st == TW_OK && !a->silent && rank0) {
        tw_cli_report(stdout, tw_batch_get_stats(b), tw_batch_total(b), sc.model, sc.params,
                      &drivers, tw_cfg_root(sc.cfg), a->tables, adaptive ? &ml : NULL);
        if (until_k >= 0) until_print(stdout, &sc, until_k, until_hw, b);
        /* An adaptive run's replicates are of two sizes: no one rate. */
        char what[128];
        if (adaptive)
            snprintf(what, sizeof what, "the levels (%zu full-size replicates, those of the "
                                        "files, and %llu coarse; ", ran,
                     (unsigned long long)(ml.n_levels == 2 ? ml.n[0] : 0));
        else
            snprintf(what, sizeof what, "%zu replicates (", ran);
        char rate[64] = "";
        if (!adaptive)
            snprintf(rate, sizeof rate, ", %.1f replicates/s", secs > 0 ? (double)ran / secs : 0.0);
        printf("\nrun %.2f s for %s%s-level parallelism, %d threads x %d ranks%s), "
               "output %.2f s; result hash %016llx\nwritten: %s/{summary.csv,replicates.csv,"
               "outcomes.csv,events.csv,%s%sscenario.yaml,provenance.yaml%s}\n",
               secs, what, res.mode == TW_PAR_AGENTS ? "agent" : "replicate", threads,
               tw_mpi_size(), rate, t2 - t1,
               (unsigned long long)res.result_hash, dir, drivers.n_par > 0 ? "drivers.csv," : "",
               adaptive ? "multilevel.csv," : "",
               a->trajectories ? ",trajectories.csv" : "");
    }
    tw_batch_free(b);
    tw_cli_mlmc_free(&ml);
    tw_drivers_free(&drivers);
    tw_cli_scenario_free(&sc);
    if (st == TW_OK && a->report && rank0) {
        fflush(stdout);
        st = tw_cli_report_dir(dir, a->silent, err);
    }
    return tw_mpi_agree(st, err);
}

tw_status tw_cli_run_command(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    if (a->selfcheck) return tw_cli_selfcheck(a, err);
    return a->resume != NULL ? tw_cli_run(a, 0, NULL, err) : tw_cli_run(a, argc, argv, err);
}
