/* bench_args.c - tw_bench's command line: the options, their checks and their defaults.
 *
 * twb_args_parse fills a twb_args (tw_bench.h) or says what is wrong with the command line
 * on stderr (exit status 2, as the tradewar program's usage errors); the defaults depend on
 * --quick and on the machine's thread count, and are all set here, so that the
 * measurements read a complete twb_args.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tw_bench.h"

#ifndef TWB_SOURCE_DIR
#define TWB_SOURCE_DIR "."
#endif

static void help(FILE *fp) {
    fprintf(fp,
            "usage: tw_bench [options]\n"
            "\n"
            "Benchmarks the tradewar firm step, replicates and scaling, against bare reference\n"
            "kernels and a STREAM-like triad measured in the same run. Prints a table; with\n"
            "--csv appends the rows to a CSV file (header written when the file is new).\n"
            "No timing is compared with a threshold; the exit status is 3 when the result hash\n"
            "of one problem differs between thread counts or repeats (\"HASH MISMATCH\").\n"
            "\n"
            "options (VALUE as --flag VALUE or --flag=VALUE):\n"
            "  --mode LIST      comma-separated: all, firm, reference, replicates, triad, mpi,\n"
            "                   re, memory (default all = firm,reference,replicates,triad,mpi,re;\n"
            "                   memory is one size per process, see bench/run)\n"
            "  --world LIST     comma-separated worlds the firm, reference and memory modes\n"
            "                   measure, as the scenario key world: (four = data/, or a folder\n"
            "                   of data/worlds/ such as nine), each with its own cells (regions\n"
            "                   x 8 sectors) and reference kernel; the firm step and the\n"
            "                   references of every world are timed in the same rounds (default:\n"
            "                   the scenario's own world; replicates run on the first world)\n"
            "  --scenario FILE  scenario (default %s/scenarios/history-2025-four.yaml; with\n"
            "                   --world, the 2025 record of each world: history-2025-four.yaml\n"
            "                   on four, history-2025.yaml with world: set on any other)\n"
            "  --re-scenario FILE  scenario of the rare-earth step's share of the day (CPU\n"
            "                   time, 1 thread), run as shipped (default\n"
            "                   %s/scenarios/geneva-truce.yaml; quick: its first 150 days)\n"
            "  --set KEY=VALUE  scenario override, as tradewar's --set (repeatable)\n"
            "  --firms N        firms of the firm step and reference kernels, strong scaling,\n"
            "                   rounded to a whole number per cell of each world (default\n"
            "                   1048576, quick 131072; on four: 32768 and 4096 per cell)\n"
            "  --weak-firms N   firms per thread in weak scaling (default --firms)\n"
            "  --days D         days of the firm step from the scenario's start (default 120,\n"
            "                   quick 20)\n"
            "  --threads LIST   thread counts: 1,2,4 or 1-16 or max (default 1,2,4,...,max where\n"
            "                   max = omp_get_max_threads(); quick 1,2)\n"
            "  --repeats R      timings per measurement, median reported (default 5, quick 2;\n"
            "                   the triad takes at least 5 outside quick mode)\n"
            "  --replicates R   replicates of the strong replicate scaling (default 2 x max\n"
            "                   threads); weak scaling runs replicates = threads\n"
            "  --rep-firms N    firms per replicate (default the scenario's; quick 32000)\n"
            "  --rep-days D     days per replicate (default the scenario's; quick 60)\n"
            "  --triad-mb MB    MiB per triad array (default max(256, 4 x last-level cache);\n"
            "                   quick 16, which may be cache-resident)\n"
            "  --quick          tiny sizes for CI (explicit flags still win)\n"
            "  --csv FILE       append rows to FILE\n"
            "  -h, --help       this text\n"
            "\n"
            "Thread pinning follows OMP_PROC_BIND / OMP_PLACES (e.g. spread / cores); blocks\n"
            "of firms are handed to threads per OMP_SCHEDULE (unset: dynamic,1).\n",
            TWB_SOURCE_DIR, TWB_SOURCE_DIR);
}

static int usage(const char *fmt, ...)
                 #if defined(__GNUC__)
                 __attribute__((format(printf, 1, 2)))
                 #endif
                 ;
static int usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tw_bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try tw_bench --help)\n");
    va_end(ap);
    return 2;
}

static bool parse_int(const char *text, int64_t lo, int64_t hi, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || v < lo || v > hi) return false;
    *out = v;
    return true;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* "1,2,4", "1-16", "max", or a mix; sorted, duplicates dropped. */
static bool parse_threads(const char *text, int *out, int *n) {
    char buf[512];
    if (strlen(text) >= sizeof buf) return false;
    strcpy(buf, text);
    int cnt = 0, maxt = omp_get_max_threads();
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        int64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (strcmp(tok, "max") == 0) {
            lo = hi = maxt;
        } else if (dash != NULL) {
            *dash = '\0';
            if (!parse_int(tok, 1, TW_MAX_THREADS, &lo) ||
                !parse_int(dash + 1, 1, TW_MAX_THREADS, &hi) || hi < lo)
                return false;
        } else if (!parse_int(tok, 1, TW_MAX_THREADS, &lo)) {
            return false;
        } else {
            hi = lo;
        }
        for (int64_t t = lo; t <= hi; t++) {
            if (cnt >= TWB_MAX_T) return false;
            out[cnt++] = (int)t;
        }
    }
    if (cnt == 0) return false;
    qsort(out, (size_t)cnt, sizeof *out, cmp_int);
    int k = 0;
    for (int i = 0; i < cnt; i++)
        if (k == 0 || out[i] != out[k - 1]) out[k++] = out[i];
    *n = k;
    return true;
}

static bool parse_modes(const char *text, unsigned *modes) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"all", TWB_M_ALL},          {"firm", TWB_M_FIRM},   {"reference", TWB_M_REF},
                 {"replicates", TWB_M_REPS},  {"triad", TWB_M_TRIAD}, {"mpi", TWB_M_MPI},
                 {"memory", TWB_M_MEMORY},    {"re", TWB_M_RE}};
    char buf[256];
    if (strlen(text) >= sizeof buf) return false;
    strcpy(buf, text);
    *modes = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        bool found = false;
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !found; i++)
            if (strcmp(tok, names[i].name) == 0) {
                *modes |= names[i].bit;
                found = true;
            }
        if (!found) return false;
    }
    return *modes != 0;
}

/* "four,nine": names into a->worlds (static storage; a repeated --world replaces). The
 * names themselves are checked by the model when their scenarios load. */
static bool parse_worlds(const char *text, twb_args *a) {
    static char buf[512];
    if (strlen(text) >= sizeof buf || text[0] == '\0') return false;
    strcpy(buf, text);
    a->nworlds = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (a->nworlds >= TWB_MAX_WORLDS) return false;
        a->worlds[a->nworlds++] = tok;
    }
    return a->nworlds > 0;
}

/* A scenario shipped in scenarios/: under the source tree, or the working directory's
 * (a bundle made by bench/package). */
static const char *shipped(const char *name, char path[4096]) {
    snprintf(path, 4096, "%s/scenarios/%s", TWB_SOURCE_DIR, name);
    if (access(path, R_OK) != 0) {
        char here[4096];
        snprintf(here, sizeof here, "scenarios/%s", name);
        if (access(here, R_OK) == 0) snprintf(path, 4096, "%s", here);
    }
    return path;
}

/* 0: parsed; 1: --help printed; 2: usage error (message printed). */
int twb_args_parse(int argc, char **argv, twb_args *a) {
    static char scenario[4096], re_scenario[4096], world_scenario[4096];
    memset(a, 0, sizeof *a);
    a->modes = TWB_M_ALL;
    a->firms = a->weak_firms = a->rep_firms = a->replicates = -1;
    a->days = a->rep_days = a->repeats = -1;
    a->triad_mb = -1.0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help(stdout);
            return 1;
        }
        if (strcmp(arg, "--quick") == 0) {
            a->quick = true;
            continue;
        }
        static const char *const valued[] = {"--mode",       "--scenario", "--set", "--world",
                                             "--re-scenario",
                                             "--firms",      "--weak-firms", "--days",
                                             "--threads",    "--repeats",  "--replicates",
                                             "--rep-firms",  "--rep-days", "--triad-mb",
                                             "--csv",        NULL};
        const char *flag = NULL, *v = NULL;
        for (int k = 0; valued[k] != NULL && flag == NULL; k++) {
            size_t n = strlen(valued[k]);
            if (strncmp(arg, valued[k], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
                flag = valued[k];
                if (arg[n] == '=') v = arg + n + 1;
                else if (i + 1 < argc) v = argv[++i];
                else return usage("%s: missing value", flag);
            }
        }
        if (flag == NULL) {
            if (arg[0] == '-') return usage("unknown option '%s'", arg);
            return usage("unexpected argument '%s'", arg);
        }
        int64_t x;
        if (strcmp(flag, "--mode") == 0) {
            if (!parse_modes(v, &a->modes))
                return usage("--mode: expected a comma-separated list of all, firm, "
                                  "reference, replicates, triad, mpi, re, memory (got '%s')",
                                  v);
        } else if (strcmp(flag, "--scenario") == 0) {
            a->scenario = v;
        } else if (strcmp(flag, "--world") == 0) {
            if (!parse_worlds(v, a))
                return usage("--world: expected a comma-separated list of at most %d world "
                             "names such as four,nine (got '%s')",
                             TWB_MAX_WORLDS, v);
        } else if (strcmp(flag, "--re-scenario") == 0) {
            a->re_scenario = v;
        } else if (strcmp(flag, "--set") == 0) {
            if (a->nsets >= TWB_MAX_SETS) return usage("--set: at most %d overrides", TWB_MAX_SETS);
            if (strchr(v, '=') == NULL)
                return usage("--set: expected KEY=VALUE (got '%s')", v);
            a->sets[a->nsets++] = v;
        } else if (strcmp(flag, "--firms") == 0 || strcmp(flag, "--weak-firms") == 0 ||
                   strcmp(flag, "--rep-firms") == 0) {
            if (!parse_int(v, 1, (int64_t)100000000 * 80, &x))
                return usage("%s: expected a number of firms from 1 to 8000000000 (got '%s')",
                             flag, v);
            if (strcmp(flag, "--firms") == 0) a->firms = x;
            else if (strcmp(flag, "--weak-firms") == 0) a->weak_firms = x;
            else a->rep_firms = x;
        } else if (strcmp(flag, "--days") == 0 || strcmp(flag, "--rep-days") == 0) {
            if (!parse_int(v, 2, TW_MAX_DAYS, &x))
                return usage("%s: expected an integer from 2 to 3660 (got '%s')", flag, v);
            if (strcmp(flag, "--days") == 0) a->days = (int)x;
            else a->rep_days = (int)x;
        } else if (strcmp(flag, "--threads") == 0) {
            if (!parse_threads(v, a->threads, &a->nthreads))
                return usage("--threads: expected counts from 1 to 1024 such as 1,2,4 or "
                                  "1-16 or max, at most 64 of them (got '%s')",
                                  v);
        } else if (strcmp(flag, "--repeats") == 0) {
            if (!parse_int(v, 1, TWB_MAX_REPEATS, &x))
                return usage("--repeats: expected an integer from 1 to 100 (got '%s')", v);
            a->repeats = (int)x;
        } else if (strcmp(flag, "--replicates") == 0) {
            if (!parse_int(v, 1, 100000, &x))
                return usage("--replicates: expected an integer from 1 to 100000 (got "
                                  "'%s')",
                                  v);
            a->replicates = x;
        } else if (strcmp(flag, "--triad-mb") == 0) {
            if (!parse_int(v, 1, 1 << 20, &x))
                return usage("--triad-mb: expected MiB from 1 to 1048576 (got '%s')", v);
            a->triad_mb = (double)x;
        } else if (strcmp(flag, "--csv") == 0) {
            a->csv = v;
        }
    }
    /* Defaults, by mode. */
    if (a->firms < 0) a->firms = a->quick ? 32 * 4096 : 32 * 32768;
    if (a->weak_firms < 0) a->weak_firms = a->firms;
    if (a->days < 0) a->days = a->quick ? 20 : 120;
    if (a->repeats < 0) a->repeats = a->quick ? 2 : 5;
    if (a->rep_firms < 0 && a->quick) a->rep_firms = 32000;
    if (a->rep_days < 0 && a->quick) a->rep_days = 60;
    if (a->triad_mb < 0.0 && a->quick) a->triad_mb = 16.0;
    if (a->nthreads == 0) {
        int maxt = omp_get_max_threads();
        if (a->quick) {
            a->threads[0] = 1;
            a->threads[1] = 2;
            a->nthreads = 2;
        } else {
            for (int t = 1; t < maxt && a->nthreads < TWB_MAX_T - 1; t *= 2)
                a->threads[a->nthreads++] = t;
            a->threads[a->nthreads++] = maxt;
        }
    }
    if (a->replicates < 0) a->replicates = 2 * a->threads[a->nthreads - 1];
    /* Each world's scenario: --scenario for all; else the 2025 record written for four, and
     * the nine-region one (history-2025.yaml) with world: set on any other. */
    for (int w = 0; w < a->nworlds; w++)
        a->world_scenario[w] = a->scenario != NULL ? a->scenario
                               : strcmp(a->worlds[w], "four") == 0
                                   ? shipped("history-2025-four.yaml", scenario)
                                   : shipped("history-2025.yaml", world_scenario);
    if (a->scenario == NULL) a->scenario = shipped("history-2025-four.yaml", scenario);
    if (a->nworlds == 0) { /* the scenario's own world */
        a->nworlds = 1;
        a->worlds[0] = NULL;
        a->world_scenario[0] = a->scenario;
    }
    if (a->re_scenario == NULL) a->re_scenario = shipped("geneva-truce.yaml", re_scenario);
    return 0;
}
