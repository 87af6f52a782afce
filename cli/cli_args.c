/* cli_args.c - command-line parsing for tradewar.
 *
 * Hand-written rather than getopt_long so that every refusal names the flag, what was
 * expected and the limit, and so that options may follow the scenario path.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tw_build_info.h"

int tw_cli_max_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    long lim = 4 * n;
    if (lim < 8) lim = 8;
    if (lim > TW_MAX_THREADS) lim = TW_MAX_THREADS;
    return (int)lim;
}

static tw_status args_int(const char *flag, const char *text, int64_t lo, int64_t hi, int64_t *out,
                          tw_err *err) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    /* strtoll would skip leading blanks and take a '+': a number is digits, with a '-'. */
    bool plain = text[0] != '\0' && (isdigit((unsigned char)text[0]) || text[0] == '-');
    if (!plain || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return tw_err_set(err, TW_EUSAGE, "%s: expected an integer between %lld and %lld (got '%s')",
                          flag, (long long)lo, (long long)hi, text);
    *out = v;
    return TW_OK;
}

/* The value of an option given as "--flag VALUE" or "--flag=VALUE". */
static const char *value(int argc, char **argv, int *i, const char *arg, size_t flag_len,
                         tw_err *err) {
    if (arg[flag_len] == '=') return arg + flag_len + 1;
    if (*i + 1 >= argc) {
        tw_err_set(err, TW_EUSAGE, "%.*s: missing value", (int)flag_len, arg);
        return NULL;
    }
    return argv[++*i];
}

static bool is(const char *arg, const char *shortf, const char *longf, size_t *len) {
    size_t n;
    if (shortf != NULL && strcmp(arg, shortf) == 0) {
        *len = strlen(shortf);
        return true;
    }
    n = strlen(longf);
    if (strncmp(arg, longf, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
        *len = n;
        return true;
    }
    return false;
}

tw_status tw_cli_parse(int argc, char **argv, tw_cli_args *a, tw_err *err) {
    memset(a, 0, sizeof *a);
    a->par = TW_PAR_AUTO;
    a->argc = argc;
    a->argv = argv;
    if (argc < 2) return tw_err_set(err, TW_EUSAGE, "missing command (try 'tradewar --help')");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        a->cmd = TW_CMD_HELP;
        return TW_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        a->cmd = TW_CMD_VERSION;
        return TW_OK;
    }
#define ROW(id, name, entry, own, usage) {name, TW_CMD_##id, own},
    static const struct {
        const char *name;
        tw_command cmd;
        bool own_options;
    } commands[] = {TW_CLI_COMMANDS(ROW)};
#undef ROW
    size_t n = sizeof commands / sizeof commands[0];
    char expected[256] = "";
    for (size_t k = 0; k < n; k++) {
        if (strcmp(cmd, commands[k].name) == 0) {
            a->cmd = commands[k].cmd;
            break;
        }
        size_t len = strlen(expected);
        snprintf(expected + len, sizeof expected - len, "%s%s",
                 k == 0 ? "" : (k + 1 == n ? " or " : ", "), commands[k].name);
    }
    if (a->cmd == TW_CMD_NONE)
        return tw_err_set(err, TW_EUSAGE,
                          "unknown command '%s' (expected %s; try 'tradewar --help')", cmd,
                          expected);
    for (size_t k = 0; k < n; k++)
        if (commands[k].cmd == a->cmd && commands[k].own_options) return TW_OK;
    tw_status st;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        size_t fl;
        const char *v;
        int64_t x;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->cmd = TW_CMD_HELP;
            return TW_OK;
        } else if (is(arg, "-n", "--replicates", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if ((st = args_int("-n", v, 1, TW_MAX_REPLICATES, &a->replicates, err)) != TW_OK) return st;
            a->has_replicates = true;
        } else if (is(arg, "-t", "--threads", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if ((st = args_int("-t", v, 1, tw_cli_max_threads(), &x, err)) != TW_OK) return st;
            a->threads = (int)x;
            a->has_threads = true;
        } else if (is(arg, "-s", "--seed", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if ((st = args_int("-s", v, 0, UINT32_MAX, &a->seed, err)) != TW_OK) return st;
            a->has_seed = true;
        } else if (is(arg, "-o", "--output", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if (v[0] == '\0') return tw_err_set(err, TW_EUSAGE, "-o: expected a directory path");
            a->outdir = v;
        } else if (is(arg, NULL, "--set", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if (a->n_sets == TW_CLI_MAX_SETS)
                return tw_err_set(err, TW_EUSAGE, "--set: at most %d overrides", TW_CLI_MAX_SETS);
            a->sets[a->n_sets++] = v;
        } else if (is(arg, NULL, "--set-a", &fl) || is(arg, NULL, "--set-b", &fl)) {
            bool side_a = arg[6] == 'a';
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            int *ns = side_a ? &a->n_sets_a : &a->n_sets_b;
            if (*ns == TW_CLI_MAX_SETS)
                return tw_err_set(err, TW_EUSAGE, "%.*s: at most %d overrides", (int)fl, arg,
                                  TW_CLI_MAX_SETS);
            (side_a ? a->sets_a : a->sets_b)[(*ns)++] = v;
        } else if (is(arg, NULL, "--parallel", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if (strcmp(v, "auto") == 0)
                a->par = TW_PAR_AUTO;
            else if (strcmp(v, "replicates") == 0)
                a->par = TW_PAR_REPLICATES;
            else if (strcmp(v, "agents") == 0)
                a->par = TW_PAR_AGENTS;
            else
                return tw_err_set(err, TW_EUSAGE,
                                  "--parallel: expected auto, replicates or agents (got '%s')", v);
        } else if (is(arg, NULL, "--resume", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if (v[0] == '\0') return tw_err_set(err, TW_EUSAGE, "--resume: expected a directory path");
            a->resume = v;
        } else if (is(arg, NULL, "--checkpoint-every", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if ((st = args_int("--checkpoint-every", v, 0, 86400, &a->checkpoint_every, err)) != TW_OK)
                return st;
            a->has_checkpoint = true;
        } else if (is(arg, NULL, "--until", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if (strchr(v, ':') == NULL || v[0] == ':')
                return tw_err_set(err, TW_EUSAGE,
                                  "--until: expected OUTCOME:HALFWIDTH, e.g. "
                                  "welfare_us_end_pct:0.05 (got '%s')", v);
            a->until = v;
        } else if (is(arg, NULL, "--budget", &fl)) {
            if ((v = value(argc, argv, &i, arg, fl, err)) == NULL) return TW_EUSAGE;
            if ((st = args_int("--budget", v, 1, TW_MAX_REPLICATES, &a->budget, err)) != TW_OK)
                return st;
            a->has_budget = true;
        } else if (strcmp(arg, "--tables") == 0) {
            a->tables = true;
        } else if (strcmp(arg, "--selfcheck") == 0) {
            a->selfcheck = true;
        } else if (strcmp(arg, "--trajectories") == 0) {
            a->trajectories = true;
        } else if (strcmp(arg, "--compress") == 0) {
            a->compress = true;
        } else if (strcmp(arg, "--force") == 0 || strcmp(arg, "-f") == 0) {
            a->force = true;
        } else if (strcmp(arg, "--report") == 0) {
            a->report = true;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            a->quiet = true;
        } else if (strcmp(arg, "--silent") == 0) {
            a->silent = a->quiet = true;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return tw_err_set(err, TW_EUSAGE, "unknown option '%s' (try 'tradewar --help')", arg);
        } else if (a->scenario == NULL) {
            a->scenario = arg;
        } else if (a->cmd == TW_CMD_COMPARE && a->scenario_b == NULL) {
            a->scenario_b = arg;
        } else {
            return tw_err_set(err, TW_EUSAGE, "unexpected argument '%s' (one scenario per run)", arg);
        }
    }
    if (a->cmd == TW_CMD_RUN && a->resume != NULL) {
        /* The interrupted run recorded its scenario and options; only the thread count
         * and the checkpoint interval may change. */
        if (a->scenario != NULL || a->n_sets + a->n_sets_a + a->n_sets_b > 0 ||
            a->has_replicates || a->has_seed || a->outdir != NULL || a->force || a->selfcheck ||
            a->trajectories || a->until != NULL || a->compress || a->par != TW_PAR_AUTO ||
            a->has_budget)
            return tw_err_set(err, TW_EUSAGE,
                              "--resume DIR takes the scenario and options recorded in DIR.partial; "
                              "only -t, --checkpoint-every, --quiet, --silent and --report may "
                              "be added");
        return TW_OK;
    }
    if (a->has_budget && (a->has_replicates || a->until != NULL))
        return tw_err_set(err, TW_EUSAGE, "--budget bounds the adaptive run, which -n and --until "
                                          "replace: drop one");
    if (a->selfcheck && (a->outdir != NULL || a->force || a->report || a->trajectories ||
                         a->compress))
        return tw_err_set(err, TW_EUSAGE, "--selfcheck writes no output: drop -o, --force, --report, "
                                          "--trajectories and --compress");
    if (a->cmd == TW_CMD_COMPARE) {
        if (a->resume != NULL)
            return tw_err_set(err, TW_EUSAGE, "compare: finish an interrupted comparison with "
                                              "tradewar run --resume DIR");
        if (a->scenario == NULL || a->scenario_b == NULL)
            return tw_err_set(err, TW_EUSAGE, "compare: expected two scenario files (tradewar "
                                              "compare A.yaml B.yaml)");
        if (a->selfcheck || a->trajectories || a->until != NULL)
            return tw_err_set(err, TW_EUSAGE, "compare takes -n, -t, -s, -o, -f, -q, --silent, "
                                              "--set, --set-a, --set-b, --parallel, "
                                              "--checkpoint-every and --report");
        if (a->n_sets + a->n_sets_a > TW_CLI_MAX_SETS || a->n_sets + a->n_sets_b > TW_CLI_MAX_SETS)
            return tw_err_set(err, TW_EUSAGE, "compare: at most %d overrides a side (--set with "
                                              "--set-a or --set-b)", TW_CLI_MAX_SETS);
    } else if (a->n_sets_a > 0 || a->n_sets_b > 0) {
        return tw_err_set(err, TW_EUSAGE, "--set-a and --set-b belong to compare (one side "
                                          "each); %s takes --set", cmd);
    }
    if (a->cmd == TW_CMD_HINDCAST) {
        if (a->selfcheck || a->trajectories || a->until != NULL || a->has_budget ||
            a->compress || a->tables || a->has_checkpoint || a->resume != NULL)
            return tw_err_set(err, TW_EUSAGE, "hindcast takes a base scenario (default "
                                              "scenarios/hindcast-base.yaml), -n, -t, -s, -o, "
                                              "-f, -q, --silent, --set, --parallel and --report");
        return TW_OK;
    }
    if (a->scenario == NULL)
        return tw_err_set(err, TW_EUSAGE, "%s: missing scenario file (tradewar %s SCENARIO.yaml)",
                          cmd, cmd);
    if (a->cmd == TW_CMD_VALIDATE &&
        (a->has_replicates || a->has_threads || a->has_seed || a->outdir != NULL || a->force ||
         a->report || a->resume != NULL || a->selfcheck || a->trajectories || a->has_checkpoint ||
         a->compress))
        return tw_err_set(err, TW_EUSAGE, "validate takes only a scenario and --set overrides");
    return TW_OK;
}

void tw_cli_print_help(FILE *fp) {
    fprintf(fp,
            "tradewar %s - agent-based simulation of the US-China trade war\n"
            "\n"
            "Usage:\n"
#define USAGE(id, name, entry, own, usage) usage
            TW_CLI_COMMANDS(USAGE)
#undef USAGE
            "  tradewar --help | --version\n"
            "\n"
            "Options of run:\n"
            "  -n, --replicates N   Monte Carlo replicates, 1..%d (default: the scenario's; with\n"
            "                       none, adaptive: multilevel over firms per cell until every\n"
            "                       headline probability is within +-0.03 and the monthly trade\n"
            "                       within 1%% (95%%), or --budget)\n"
            "  -t, --threads N      OpenMP threads (default: OMP_NUM_THREADS or all cores; at most %d here)\n"
            "  -s, --seed N         random seed, 0..4294967295 (default: the scenario's)\n"
            "  -o, --output DIR     output directory (default: out/<scenario name>)\n"
            "  -f, --force          replace an existing output directory\n"
            "      --set KEY=VALUE  override a scenario key, e.g. --set firms.per_cell=2000,\n"
            "                       --set tariffs[3].rate=50 (repeatable, applied in order)\n"
            "      --parallel MODE  auto (default), replicates or agents\n"
            "      --report         then write charts and an HTML report into DIR/report\n"
            "                       (analysis/report.py; needs python3-pandas, python3-matplotlib)\n"
            "  -q, --quiet          no progress bar and no start line (the results still print)\n"
            "      --silent         nothing but errors on the terminal\n"
            "      --trajectories   also write every replicate's series (trajectories.csv)\n"
            "      --compress       write summary.csv and trajectories.csv (a sweep: each point's\n"
            "                       summary.csv) gzip-compressed as NAME.csv.gz, the same bytes\n"
            "                       every time; pandas, score and --report read them as they are\n"
            "      --checkpoint-every S  seconds between checkpoints of a batch, a sweep's\n"
            "                       point or a comparison (default 10; 0: after every chunk)\n"
            "      --resume DIR     finish what an interrupted run, sweep or compare left in\n"
            "                       DIR.partial (same bytes as an uninterrupted one; -t may\n"
            "                       change)\n"
            "      --budget R       an adaptive run (no -n) stops at this cost, in full-size\n"
            "                       replicates (default 200; a coarse replicate costs ~0.045,\n"
            "                       a coupled pair ~1.045)\n"
            "      --tables         also print the long tables (weekly shortages) on the terminal\n"
            "      --until OUTCOME:H  stop at the first multiple of 64 replicates where the 95%%\n"
            "                       half-width of OUTCOME's mean is below H (-n is the budget;\n"
            "                       the first check is at 128)\n"
            "      --selfcheck      run with 1 and N threads (and 1 and K MPI ranks) and report\n"
            "                       whether the result hashes agree; writes nothing\n"
            "\n"
            "Under MPI (mpirun -np K tradewar run ...) replicates are spread over ranks and\n"
            "rank 0 writes the same bytes as one process. SIGINT/SIGTERM stop a batch cleanly\n"
            "with what is done. A scenario with a sweep: section runs one batch per design\n"
            "point and writes sweep_points.csv, sweep_outcomes.csv and sensitivity.csv.\n"
            "\n"
            "Outputs (in DIR): summary.csv, replicates.csv, outcomes.csv, events.csv,\n"
            "scenario.yaml (resolved), provenance.yaml.\n"
            "Exit status: 0 success, 2 bad usage or input, 1 runtime failure.\n"
            "Scenario keys: scenarios/README.md.\n",
            TW_VERSION, TW_MAX_REPLICATES, tw_cli_max_threads());
}

void tw_cli_print_version(FILE *fp) {
    fprintf(fp, "tradewar %s (git %s, %s, %s)\n", TW_VERSION, TW_GIT_REVISION, TW_COMPILER,
            TW_BUILD_TYPE);
}
