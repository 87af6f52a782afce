/* tw_bench.c - the benchmark program: command line, what to measure, the table, the checks.
 *
 * Measures, in one run and on one machine (see tw_bench.h and bench/README.md):
 *   triad       memory bandwidth, STREAM-like, per thread count;
 *   firm        the full model's firm step (tw_trade_model.create untimed, .step timed),
 *               strong scaling (fixed firms) and weak scaling (firms x threads), plus one
 *               untimed run that counts how often the step draws random numbers;
 *   reference   the bare reference kernels at the same size (sparse: drawing at the model's
 *               measured rate; dense: one draw per firm-day) and the firm/reference ratios;
 *   replicates  tw_run with replicate-level parallelism: strong (fixed replicates) and weak
 *               (replicates = threads), and a cross-check at agent level;
 *   memory      bytes of state per firm and the resident memory it adds, for one size
 *               (bench/run calls it once per size) on every world of --world;
 *   re          the rare-earth step's share of the model's day in the default scenario
 *               (scenarios/geneva-truce.yaml as shipped: its firms, its year, replicate 0);
 *   mpi         a placeholder row: MPI ranks are measured by bench/run, which starts the
 *               tradewar program under mpirun with 1 and 2 ranks (rows "mpi_ranks").
 * The firm, reference and memory modes run on every world of --world (the scenario key
 * world:, each with its own cells), timed in the same rounds.
 * Each timing is the median of repeats, printed with its min and max; the repeats of the
 * thread counts of one measurement are interleaved. Agent-level rows also say where the
 * efficiency goes (load balance, sync efficiency, computational scalability). Every run has a result
 * hash; the hashes of one problem must agree across thread counts and repeats, which is
 * checked here: "hash ok", or "HASH MISMATCH" and exit status 3 (after writing everything).
 * No timing is ever compared with a threshold.
 *
 * This file is the script of phases, as XSBench's Main.c: parse the options (bench_args.c),
 * echo the inputs, run the selected measurements (bench_agents.c, bench_measure.c), print
 * the table, the summary and the hash checks (bench_report.c), and return the verdict.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tw_bench.h"

#define TWB_EXIT_MISMATCH 3

int main(int argc, char **argv) {
    twb_args a;
    int pr = twb_args_parse(argc, argv, &a);
    if (pr == 1) return 0;
    if (pr != 0) return pr;
    tw_err err;
    tw_err_clear(&err);
    tw_status st = twb_resolve_worlds(&a, &err); /* a bad world or scenario: before anything */
    if (st != TW_OK) {
        fprintf(stderr, "tw_bench: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
        return tw_exit_code(st);
    }
    static twb_report rp;
    if (a.csv != NULL && (rp.csv = twb_csv_open(a.csv)) == NULL) {
        fprintf(stderr, "tw_bench: %s: cannot open for appending: %s\n", a.csv, strerror(errno));
        return 1;
    }
    twb_print_inputs(&a);

    double draw_rate[TWB_MAX_WORLDS] = {NAN, NAN, NAN, NAN};
    int64_t rep_firms = 0;
    int rep_days = 0;
    if (st == TW_OK && (a.modes & TWB_M_TRIAD)) st = twb_measure_triad(&a, &rp, &err);
    uint64_t draw_hash[TWB_MAX_WORLDS] = {0};
    if (st == TW_OK && (a.modes & (TWB_M_FIRM | TWB_M_REF)))
        st = twb_measure_draws(&a, draw_rate, draw_hash, &err);
    if (st == TW_OK && (a.modes & (TWB_M_FIRM | TWB_M_REF)))
        st = twb_measure_agents(&a, &rp, draw_rate, draw_hash, &err);
    if (st == TW_OK && (a.modes & TWB_M_FIRM) && (a.modes & TWB_M_REF)) twb_measure_ratios(&a, &rp);
    if (st == TW_OK && (a.modes & TWB_M_REPS))
        st = twb_measure_replicates(&a, &rp, &rep_firms, &rep_days, &err);
    if (st == TW_OK && (a.modes & TWB_M_MPI)) twb_measure_mpi(&rp);
    if (st == TW_OK && (a.modes & TWB_M_RE)) st = twb_measure_re(&a, &rp, &err);
    if (st == TW_OK && (a.modes & TWB_M_MEMORY)) st = twb_measure_memory(&a, &rp, &err);

    twb_report_table(&rp);
    if (st == TW_OK) twb_report_summary(&a, &rp, draw_rate, rep_firms, rep_days);
    twb_report_hashes(&rp);
    if (rp.csv != NULL) fclose(rp.csv);
    if (st != TW_OK) {
        fprintf(stderr, "tw_bench: %s\n", err.msg[0] ? err.msg : tw_strerror(st));
        return tw_exit_code(st);
    }
    return rp.mismatch ? TWB_EXIT_MISMATCH : 0;
}
