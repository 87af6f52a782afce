/* cli_datapackage.c - datapackage.json: a Frictionless Data Package describing the CSV files
 * of an output directory (see cli_datapackage.h).
 *
 * The schemas are built from each file's own header rather than from a list of what each
 * command writes, so a package can never name a column that is not there or miss one that
 * is: each column is looked up in a table of the program's column names (by file, then
 * for every file), then among the model's indicators (trajectories.csv's
 * indicator.region.partner.sector columns) and outcomes (replicates.csv), and a name with
 * a '.' or '[' is a scenario key path (a sweep's parameters, a drawn parameter). A column
 * found nowhere is still listed, without a description, and the package tests refuse that.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli_datapackage.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "tw_output.h"
#include "tw_trade.h"

#define PATH 4096

/* --- what the files and their columns are --- */

typedef struct {
    const char *file; /* NULL: any file */
    const char *name;
    const char *type; /* Table Schema type */
    const char *description;
} column;

static const column columns[] = {
    {"hindcast.csv", "episode", "string",
     "the dispute episode of the decision, left out of the fit that forecasts it"},
    {"hindcast.csv", "date", "date", "the day of the decision"},
    {"hindcast.csv", "outcome", "integer", "what followed: 1 when the outcome happened, else 0"},
    {"hindcast.csv", "probability", "number",
     "share of the decision's replicates in which the outcome happened, 0 to 1"},
    {"hindcast.csv", "climatology", "number",
     "base rate of every decision of the record without the episode, 0 to 1"},
    {"hindcast.csv", "group", "string",
     "the fitted process the decision belongs to (data/hindcast_loo.csv)"},
    {"hindcast.csv", "id", "integer", "the decision's id in data/decision_points_2018_2025.csv"},
    {"hindcast.csv", "kind", "string", "the decision's kind in the library"},
    {"hindcast.csv", "replicates", "integer", "replicates run for the decision"},
    {"summary.csv", "mean", "number",
     "mean across replicates, in the indicator's unit; for a 0/1 state the share of "
     "replicates in it"},
    {"outcomes.csv", "n", "integer", "replicates in which the outcome happened (not nan)"},
    {"outcomes.csv", "mean", "number", "mean across those replicates, in the outcome's unit"},
    {"sweep_outcomes.csv", "n", "integer",
     "replicates of the point in which the outcome happened (not nan)"},
    {"sweep_outcomes.csv", "mean", "number",
     "mean across the point's replicates, in the outcome's unit"},
    {"multilevel.csv", "quantity", "string",
     "a headline probability (its words) or a headline flow (its heading)"},
    {"multilevel.csv", "month", "string", "YYYY-MM of a flow's monthly total; empty for a probability"},
    {"multilevel.csv", "estimate", "number",
     "the multilevel estimate: a probability, or the month's total in USD bn"},
    {"multilevel.csv", "halfwidth", "number", "its 95% Monte Carlo half-width"},
    {"multilevel.csv", "target", "number", "the half-width asked for"},
    {"multilevel.csv", "finest_diff", "number",
     "mean difference of the coupled pairs: full size minus a hundredth of the firms"},
    {"multilevel.csv", "finest_diff_halfwidth", "number", "its 95% half-width"},
    {"multilevel.csv", "n_coarse", "integer", "replicates at a hundredth of the firms (level 0)"},
    {"multilevel.csv", "n_pairs", "integer", "coupled pairs (level 1): the full-size replicates"},
    {"multilevel.csv", "var_coarse", "number", "variance of level 0's values the plan used"},
    {"multilevel.csv", "var_pairs", "number", "variance of the pairs' differences the plan used"},
    {"drivers.csv", "parameter", "string",
     "a parameter drawn once per replicate, by its scenario key path"},
    {"drivers.csv", "index", "number",
     "first-order sensitivity index Var(E[outcome | parameter]) / Var(outcome) from the "
     "replicates, 0 to 1 (nan below 8 replicates or without variation)"},
    {"drivers.csv", "lo", "number", "2.5% bootstrap quantile of the index"},
    {"drivers.csv", "hi", "number", "97.5% bootstrap quantile of the index"},
    {"drivers.csv", "rank_correlation", "number",
     "Spearman's rank correlation of the outcome with the parameter, -1 to 1"},
    {"drivers.csv", "n", "integer", "replicates used (a finite outcome)"},
    {"sensitivity.csv", "parameter", "string", "a swept parameter, by its scenario key path"},
    {"sensitivity.csv", "first_order", "number",
     "first-order index of the parameter for the outcome across the sweep's points, 0 to 1"},
    {"compare.csv", "n", "integer", "replicate pairs used (both values finite)"},
    {"compare_outcomes.csv", "n", "integer", "replicate pairs used (both values finite)"},
    {"score.csv", "indicator", "string",
     "the scored series' indicator (overall: every observation together)"},
    {"score.csv", "n", "integer", "observations of the series"},
    {"score_points.csv", "mean", "number",
     "mean of the ensemble (the replicates' values for the period), in the observed unit"},
    {"score.csv", "unit", "string",
     "unit of obs_mean, mae, bias and crps (overall: mixed when the series' units differ)"},
    {"score_points.csv", "unit", "string",
     "unit of observed and of the ensemble's columns: the data dictionary's (a flow's per-day "
     "unit as the period's total)"},
    {"score_points.csv", "value_given", "number", "the value as the observed file gave it"},
    {"score_points.csv", "unit_given", "string",
     "the unit the observed file gave (empty: none, the dictionary's assumed)"},
    {"score_events.csv", "outcome", "string",
     "the observed outcome of replicates.csv (overall: the mean over the events of a kind)"},
    {"score_events.csv", "kind", "string", "0/1 (an outcome that happens or not) or count"},
    {"score_events.csv", "observed", "number", "what happened: 0 or 1, or the count"},
    {"score_events.csv", "n", "integer", "events scored (1; overall: the events of the kind)"},
    {"score_events.csv", "m", "integer", "replicates where the outcome applies (a number)"},
    {"score_events.csv", "m_excluded", "integer",
     "replicates where it does not apply (nan, or scripted in a scenario without an event "
     "process)"},
    {"score_events.csv", "p", "number",
     "0/1: the forecast probability, the share of the m replicates with 1"},
    {"score_events.csv", "mean", "number", "mean of the m replicates' values"},
    {"score_events.csv", "p_observed", "number",
     "share of the m replicates with the observed value, kept inside [1/(2m), 1 - 1/(2m)]"},
    {"score_events.csv", "brier", "number", "0/1: Brier score (p - observed)^2 (lower is better)"},
    {"score_events.csv", "rps", "number",
     "count: ranked probability score, the sum over k of (F(k) - 1{observed <= k})^2"},
    {"score_events.csv", "log_score", "number", "-ln p_observed (lower is better)"},
    {"score_events.csv", "clim_p", "number",
     "0/1: the climatology's probability of 1 (0.5, or the --climatology file's)"},
    {"score_events.csv", "clim_brier", "number", "0/1: Brier score of the climatology"},
    {"score_events.csv", "clim_log", "number", "0/1: log score of the climatology"},
    {"score_events.csv", "unit", "string", "the outcome's unit in the data dictionary"},
    {"bench.csv", "kind", "string", "what was measured (bench/README.md: the measurements)"},
    {"bench.csv", "level", "string",
     "level of parallelism: agents, replicates, ranks, or machine for the machine check"},
    {"bench.csv", "threads", "integer", "OpenMP threads"},
    {"bench.csv", "ranks", "integer", "MPI ranks (1 for every row tw_bench measures)"},
    {"bench.csv", "firms", "integer", "importer firms of the measured model"},
    {"bench.csv", "replicates", "integer", "replicates of the measured batch"},
    {"bench.csv", "repeats", "integer", "timed repeats"},
    {"bench.csv", "seconds_median", "number", "median wall-clock seconds of the repeats"},
    {"bench.csv", "seconds_min", "number", "fastest repeat, seconds"},
    {"bench.csv", "seconds_max", "number", "slowest repeat, seconds"},
    {"bench.csv", "rate", "number", "work per second from the median, in rate_unit"},
    {"bench.csv", "rate_unit", "string", "the unit of rate (firm-steps/s, replicates/s, GB/s...)"},
    {"bench.csv", "efficiency", "number",
     "parallel efficiency from the medians: strong T1 / (T * T_T), weak T1 / T_T"},
    {"bench.csv", "bytes_per_firm", "number", "measured resident memory growth per firm, bytes"},
    {"bench.csv", "peak_rss_mb", "number", "peak resident memory of the process (ru_maxrss), MiB"},
    {"bench.csv", "bandwidth_gbs", "number", "memory bandwidth moved, GB/s"},
    {"bench.csv", "fraction_of_bandwidth", "number",
     "bandwidth_gbs over the machine check's triad at the same threads, 0 to 1"},
    {"bench.csv", "result_hash", "string", "hash of the measured results (equal across threads)"},
    {"bench.csv", "compiler", "string", "compiler that built the program"},
    {"bench.csv", "cflags", "string", "its flags"},
    {"bench.csv", "git_revision", "string", "the source's git revision"},
    {"bench.csv", "load_balance", "number",
     "mean useful time per thread over the busiest thread's, 0 to 1"},
    {"bench.csv", "sync_efficiency", "number",
     "the busiest thread's useful time over the elapsed time, 0 to 1"},
    {"bench.csv", "compute_scalability", "number",
     "useful thread-seconds at the first thread count over this one's, per unit of work"},
    {"bench.csv", "draws_per_firm_day", "number", "random draws per firm and day"},
    {"bench.csv", "efficiency_best", "number", "efficiency from the fastest repeat of each count"},
    {"bench.csv", "world", "string", "the measured model's world of regions (tw_bench --world)"},
    {NULL, "date", "date", "the output day (ISO 8601)"},
    {NULL, "indicator", "string",
     "what the row measures; its unit, definition and what region and partner hold: the "
     "package's indicators"},
    {NULL, "region", "string",
     "the indicator's region (importer, exporter, buyer, government... as the package's "
     "indicators say for this indicator); all where aggregated or not used"},
    {NULL, "partner", "string",
     "the indicator's partner (exporter, importer, origin... as the package's indicators "
     "say for this indicator); all where aggregated or not used"},
    {NULL, "sector", "string", "the sector; all for every sector together"},
    {NULL, "sd", "number", "sample standard deviation across replicates (n - 1), same unit"},
    {NULL, "outcome", "string",
     "a per-replicate outcome (a column of replicates.csv; its unit and definition: the "
     "package's outcomes) or a parameter drawn per replicate (its scenario key path)"},
    {NULL, "replicate", "integer", "replicate number, from 0 (its random streams are keyed by it)"},
    {NULL, "seed", "integer", "the run's seed (replicate r draws from the streams of seed and r)"},
    {NULL, "actor", "string", "who acted: a region, leaders, court, ..."},
    {NULL, "event", "string", "what happened (leader_call, truce_in_force, escalate, ...)"},
    {NULL, "detail", "string", "free text about the event"},
    {NULL, "point", "integer", "the sweep point, from 0 (points/<point>/ holds its run)"},
    {NULL, "mean_a", "number", "mean of scenario A across replicates, in the row's unit"},
    {NULL, "mean_b", "number", "mean of scenario B across replicates, in the row's unit"},
    {NULL, "diff", "number", "mean paired difference B - A, in the row's unit"},
    {NULL, "paired_lo", "number", "lower end of the paired 95% interval of diff"},
    {NULL, "paired_hi", "number", "upper end of the paired 95% interval of diff"},
    {NULL, "unpaired_lo", "number",
     "lower end of the 95% Welch interval two independent batches would give"},
    {NULL, "unpaired_hi", "number",
     "upper end of the 95% Welch interval two independent batches would give"},
    {NULL, "ratio", "number", "unpaired over paired half-width: how much pairing tightened it"},
    {NULL, "obs_mean", "number", "mean observed value, in the indicator's unit"},
    {NULL, "mae", "number", "mean absolute error of the run's median against the observations"},
    {NULL, "bias", "number", "mean of median - observed (positive: the run is above)"},
    {NULL, "mae_pct", "number", "mae as a percentage of obs_mean"},
    {NULL, "corr", "number", "Pearson correlation of the median with the observations"},
    {NULL, "cover50", "number", "share of observations inside the run's 25-75% band, 0 to 1"},
    {NULL, "cover90", "number", "share of observations inside the run's 5-95% band, 0 to 1"},
    {NULL, "crps", "number", "continuous ranked probability score of the ensemble (lower is better)"},
    {NULL, "crps_pct", "number", "crps as a percentage of obs_mean"},
    {NULL, "line", "integer", "line of the observation in the observed file"},
    {NULL, "start", "date", "first day of the observed period"},
    {NULL, "end", "date", "last day of the observed period"},
    {NULL, "aggregation", "string",
     "how the run's daily values make the period's: sum (a flow) or mean (a level)"},
    {NULL, "observed", "number", "the observed value, in the indicator's unit"},
    {NULL, "m", "integer", "replicates in the ensemble (finite values)"},
    {NULL, "pit", "number", "probability integral transform of the observation, 0 to 1"},
};

typedef struct {
    const char *file;
    const char *title;
    const char *description;
} resource_info;

static const resource_info resources[] = {
    {"summary.csv", "Daily series across replicates",
     "one row per output day and series (indicator, region, partner, sector): the mean, "
     "sample sd and percentiles across replicates of that day's value"},
    {"outcomes.csv", "Outcomes across replicates",
     "one row per outcome of replicates.csv: how many replicates it happened in, its mean, "
     "sd and percentiles"},
    {"replicates.csv", "Outcomes of each replicate",
     "one row per replicate: its headline outcomes, then the parameters drawn for it"},
    {"events.csv", "Event logs", "every replicate's events in the order they happened"},
    {"trajectories.csv", "Every series of every replicate",
     "one row per replicate and output day, one column per series, named "
     "indicator.region.partner.sector"},
    {"multilevel.csv", "Multilevel answers",
     "an adaptive run's headline probabilities and monthly flows: the multilevel estimate "
     "over firms per cell, its 95% half-width and target, the finest correction and the "
     "count at each level"},
    {"drivers.csv", "What drives each outcome",
     "first-order sensitivity of each outcome to each parameter drawn per replicate"},
    {"sweep_points.csv", "The sweep's points", "one row per point: the swept parameters' values"},
    {"sweep_outcomes.csv", "Outcomes at each sweep point",
     "one row per point and outcome: the parameters' values and the outcome's statistics "
     "across the point's replicates"},
    {"sensitivity.csv", "Sensitivity across the sweep",
     "first-order index of each swept parameter for each outcome"},
    {"compare.csv", "Paired differences of the daily series",
     "per output day and series: the means of A and B and the paired difference B - A with "
     "its paired and unpaired 95% intervals"},
    {"compare_outcomes.csv", "Paired differences of the outcomes",
     "per outcome: the means of A and B and the paired difference B - A with its intervals"},
    {"score.csv", "Scores against observations", "per scored series and overall"},
    {"score_points.csv", "Each observation against the run's ensemble",
     "one row per observation of the observed file"},
    {"score_events.csv", "Event outcomes against the run's replicates",
     "one row per observed 0/1 or count outcome of the whole run, then the mean scores of "
     "each kind"},
    {"hindcast.csv", "The hindcast over the decision points",
     "one row per decision the model forecasts: what followed and the probability it gave, "
     "fitted leaving the decision's episode out"},
    {"bench.csv", "Benchmark measurements",
     "one row per measurement of bench/run or tw_bench (bench/README.md)"},
};

/* --- JSON --- */

static void json_str(FILE *fp, const char *s) {
    fputc('"', fp);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(fp, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(fp, "\\u%04x", *c);
        else
            fputc(*c, fp);
    }
    fputc('"', fp);
}

/* "key": "value" with a leading separator. */
static void json_kv(FILE *fp, const char *sep, const char *key, const char *value) {
    fputs(sep, fp);
    json_str(fp, key);
    fputs(": ", fp);
    json_str(fp, value);
}

/* --- columns --- */

static const tw_measure_info *measure(const tw_measure_info *list, size_t n,
                                      const char *name, size_t len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i].name) == len && strncmp(list[i].name, name, len) == 0) return &list[i];
    return NULL;
}

/* The part of a file name that says what it is: "summary.csv" of "summary.csv.gz". */
static void datapackage_kind(const char *base, char *kind, size_t n) {
    snprintf(kind, n, "%.200s", base);
    size_t len = strlen(kind);
    if (len > 3 && strcmp(kind + len - 3, ".gz") == 0) kind[len - 3] = '\0';
}

/* One field of a schema: name, type, description and unit (NULL where none). */
static void field(FILE *fp, const char *kind, const char *name, bool first) {
    const char *type = "string", *desc = NULL, *unit = NULL;
    char buf[768];
    const tw_measure_info *ind, *out;
    size_t n_ind = tw_trade_indicator_list(&ind), n_out = tw_trade_outcome_list(&out);
    size_t len = strlen(name);
    const tw_measure_info *m = NULL;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0] && desc == NULL; i++)
        if ((columns[i].file == NULL || strcmp(columns[i].file, kind) == 0) &&
            strcmp(columns[i].name, name) == 0) {
            type = columns[i].type;
            desc = columns[i].description;
        }
    const char *dot = strchr(name, '.');
    if (desc != NULL) {
        /* a column of the program's own */
    } else if (name[0] == 'p' && len == 3 && name[1] >= '0' && name[1] <= '9' && name[2] >= '0' &&
               name[2] <= '9') {
        type = "number";
        snprintf(buf, sizeof buf, "%dth percentile across replicates, in the row's unit",
                 atoi(name + 1));
        desc = buf;
    } else if (strncmp(name, "pit_", 4) == 0) {
        type = "integer";
        snprintf(buf, sizeof buf, "observations whose PIT fell in bin %s of ten bins of 0.1",
                 name + 4);
        desc = buf;
    } else if ((m = measure(out, n_out, name, len)) != NULL) {
        type = "number";
        unit = m->unit;
        snprintf(buf, sizeof buf, "%s (aggregation: %s)", m->definition,
                 tw_aggregation_names[m->aggregation]);
        desc = buf;
    } else if (strcmp(kind, "trajectories.csv") == 0 && dot != NULL &&
               (m = measure(ind, n_ind, name, (size_t)(dot - name))) != NULL) {
        type = "number";
        unit = m->unit;
        snprintf(buf, sizeof buf, "%s for the series %s (region: %s; partner: %s)",
                 m->definition, dot + 1, m->region, m->partner);
        desc = buf;
    } else if (dot != NULL || strchr(name, '[') != NULL) {
        type = "number";
        snprintf(buf, sizeof buf,
                 "%s parameter, by its scenario key path: its value in the row",
                 strcmp(kind, "replicates.csv") == 0 ? "a drawn" : "a swept");
        desc = buf;
    }
    fputs(first ? "\n          {" : ",\n          {", fp);
    json_kv(fp, "", "name", name);
    json_kv(fp, ", ", "type", type);
    if (desc != NULL) json_kv(fp, ", ", "description", desc);
    if (unit != NULL) json_kv(fp, ", ", "unit", unit);
    if (strcmp(name, "indicator") == 0) {
        /* The names a file may hold: the dictionary's ("overall" too in score.csv). */
        fputs(", \"constraints\": {\"enum\": [", fp);
        for (size_t i = 0; i < n_ind; i++) {
            if (i > 0) fputs(", ", fp);
            json_str(fp, ind[i].name);
        }
        if (strcmp(kind, "score.csv") == 0) fputs(", \"overall\"", fp);
        fputs("]}", fp);
    } else if (strcmp(name, "outcome") == 0 && strcmp(kind, "hindcast.csv") != 0) {
        /* The dictionary's outcomes, or a drawn parameter's key path (a name with a '.'),
         * which outcomes.csv and compare_outcomes.csv list after them. A Table Schema
         * pattern is an XML Schema regular expression matched against the whole value. */
        fputs(", \"constraints\": {\"pattern\": \"(", fp);
        if (strcmp(kind, "score_events.csv") == 0) fputs("overall|", fp);
        for (size_t i = 0; i < n_out; i++) fprintf(fp, "%s|", out[i].name);
        fputs("[A-Za-z0-9_\\\\[\\\\]]+(\\\\.[A-Za-z0-9_\\\\[\\\\]]+)+)\"}", fp);
    }
    fputc('}', fp);
}

/* The header line of a CSV file, plain or gzip (zlib reads both); *line is malloc'd. */
static tw_status datapackage_header(const char *path, char **line, tw_err *err) {
    *line = NULL;
    gzFile g = gzopen(path, "rb");
    if (g == NULL) return tw_err_set(err, TW_EIO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    tw_status st = TW_OK;
    while (buf != NULL) {
        if (gzgets(g, buf + len, (int)(cap - len)) == NULL) break;
        len += strlen(buf + len);
        if (len > 0 && buf[len - 1] == '\n') break;
        char *b = realloc(buf, 2 * cap);
        if (b == NULL) {
            free(buf);
            buf = NULL;
        } else {
            buf = b;
            cap *= 2;
        }
    }
    gzclose(g);
    if (buf == NULL) return tw_err_set(err, TW_ENOMEM, "out of memory");
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
    if (len == 0) st = tw_err_set(err, TW_EIO, "%s: no header line", path);
    if (st != TW_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    *line = buf;
    return TW_OK;
}

/* One resource: rel is its path inside the package ("points/3/summary.csv"). */
static tw_status resource(FILE *fp, const char *dir, const char *rel, bool first,
                          tw_err *err) {
    char path[2 * PATH + 8], kind[256], name[PATH];
    snprintf(path, sizeof path, "%.4096s/%.4096s", dir, rel);
    const char *base = strrchr(rel, '/');
    datapackage_kind(base != NULL ? base + 1 : rel, kind, sizeof kind);
    const resource_info *info = NULL;
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
        if (strcmp(resources[i].file, kind) == 0) info = &resources[i];
    if (info == NULL) return TW_OK; /* not an output of the program */
    char *header;
    tw_status st = datapackage_header(path, &header, err);
    if (st != TW_OK) return st;
    /* A resource name: lower case, digits, '-', '_', '.' (points/3/summary.csv ->
     * points-3-summary). */
    snprintf(name, sizeof name, "%.4000s", rel);
    char *csv = strstr(name, ".csv");
    if (csv != NULL) *csv = '\0';
    for (char *c = name; *c; c++)
        if (*c == '/') *c = '-';
    bool gz = strcmp(kind, base != NULL ? base + 1 : rel) != 0;
    fputs(first ? "\n    {" : ",\n    {", fp);
    json_kv(fp, "", "name", name);
    json_kv(fp, ",\n      ", "path", rel);
    json_kv(fp, ",\n      ", "profile", "tabular-data-resource");
    json_kv(fp, ",\n      ", "title", info->title);
    json_kv(fp, ",\n      ", "description", info->description);
    json_kv(fp, ",\n      ", "format", "csv");
    json_kv(fp, ",\n      ", "mediatype", "text/csv");
    json_kv(fp, ",\n      ", "encoding", "utf-8");
    if (gz) json_kv(fp, ",\n      ", "compression", "gz");
    fputs(",\n      \"dialect\": {\"delimiter\": \",\", \"doubleQuote\": true, \"header\": true}", fp);
    fputs(",\n      \"schema\": {\n        \"missingValues\": [\"\", \"nan\"],\n        \"fields\": [", fp);
    bool f0 = true;
    for (char *tok = header, *next; tok != NULL; tok = next) {
        next = strchr(tok, ',');
        if (next != NULL) *next++ = '\0';
        field(fp, kind, tok, f0);
        f0 = false;
    }
    fputs("\n        ]\n      }\n    }", fp);
    free(header);
    return TW_OK;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_num(const void *a, const void *b) {
    long x = atol(*(char *const *)a), y = atol(*(char *const *)b);
    return (x > y) - (x < y);
}

/* The names in dir, sorted (numerically when numeric), so the package's order does not
 * depend on the file system's. *names and each name are malloc'd; *n set. */
static tw_status datapackage_list(const char *dir, bool numeric, char ***names, size_t *n, tw_err *err) {
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL) return tw_err_set(err, TW_EIO, "%s: cannot read: %s", dir, strerror(errno));
    size_t cap = 0;
    tw_status st = TW_OK;
    struct dirent *e;
    while (st == TW_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            char **grown = realloc(*names, cap * sizeof *grown);
            if (grown == NULL) {
                st = tw_err_set(err, TW_ENOMEM, "out of memory");
                break;
            }
            *names = grown;
        }
        if (((*names)[*n] = strdup(e->d_name)) == NULL)
            st = tw_err_set(err, TW_ENOMEM, "out of memory");
        else
            (*n)++;
    }
    closedir(d);
    if (*n > 0) qsort(*names, *n, sizeof **names, numeric ? cmp_num : cmp_str);
    return st;
}

static void list_free(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* Every resource of sub (relative to dir; "" for dir itself). */
static tw_status resources_in(FILE *fp, const char *dir, const char *sub, bool *first,
                              tw_err *err) {
    char path[2 * PATH], rel[PATH], gz[PATH + 8];
    snprintf(path, sizeof path, "%.4096s%s%.1000s", dir, sub[0] ? "/" : "", sub);
    char **names;
    size_t n;
    tw_status st = datapackage_list(path, false, &names, &n, err);
    for (size_t i = 0; st == TW_OK && i < n; i++) {
        size_t len = strlen(names[i]);
        bool csv = (len > 4 && strcmp(names[i] + len - 4, ".csv") == 0) ||
                   (len > 7 && strcmp(names[i] + len - 7, ".csv.gz") == 0);
        if (!csv) continue;
        /* NAME.csv beside NAME.csv.gz: --compress is removing it (cli_rundir.h). */
        snprintf(gz, sizeof gz, "%.1000s/%.1000s.gz", path, names[i]);
        if (names[i][len - 1] == 'v' && access(gz, F_OK) == 0) continue;
        snprintf(rel, sizeof rel, "%.1000s%s%.1000s", sub, sub[0] ? "/" : "", names[i]);
        size_t before = (size_t)ftell(fp);
        st = resource(fp, dir, rel, *first, err);
        if ((size_t)ftell(fp) != before) *first = false;
    }
    list_free(names, n);
    return st;
}

/* The dictionary: "indicators" (with region and partner) or "outcomes". */
static void dictionary(FILE *fp, const char *key, const tw_measure_info *list, size_t n) {
    fprintf(fp, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) {
        fputs(i > 0 ? ",\n    {" : "\n    {", fp);
        json_kv(fp, "", "name", list[i].name);
        json_kv(fp, ", ", "unit", list[i].unit);
        json_kv(fp, ", ", "aggregation", tw_aggregation_names[list[i].aggregation]);
        if (list[i].region != NULL) json_kv(fp, ", ", "region", list[i].region);
        if (list[i].partner != NULL) json_kv(fp, ", ", "partner", list[i].partner);
        json_kv(fp, ", ", "definition", list[i].definition);
        fputc('}', fp);
    }
    fputs("\n  ]", fp);
}

tw_status tw_cli_write_datapackage(const char *dir, tw_err *err) {
    char path[PATH + 32], points[PATH + 32], sub[64];
    snprintf(path, sizeof path, "%s/datapackage.json", dir);
    tw_afile *f;
    tw_status st = tw_afile_open(path, &f, err);
    if (st != TW_OK) return st;
    FILE *fp = tw_afile_fp(f);
    fputs("{\n", fp);
    json_kv(fp, "  ", "profile", "tabular-data-package");
    json_kv(fp, ",\n  ", "name", "tradewar-output");
    json_kv(fp, ",\n  ", "title", "tradewar output files");
    json_kv(fp, ",\n  ", "description",
            "the CSV files of one tradewar output directory; what each indicator and "
            "outcome is, in which unit, and what region and partner hold for each "
            "indicator: indicators and outcomes below. nan: did not happen or undefined");
    fputs(",\n  \"resources\": [", fp);
    bool first = true;
    st = resources_in(fp, dir, "", &first, err);
    snprintf(points, sizeof points, "%s/points", dir);
    struct stat sb;
    if (st == TW_OK && stat(points, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        char **names;
        size_t n;
        st = datapackage_list(points, true, &names, &n, err);
        for (size_t i = 0; st == TW_OK && i < n; i++) {
            snprintf(sub, sizeof sub, "points/%.40s", names[i]);
            st = resources_in(fp, dir, sub, &first, err);
        }
        list_free(names, n);
    }
    if (st == TW_OK && first) /* no CSV of the program: a package needs a resource */
        st = tw_err_set(err, TW_EUSAGE, "%s: no CSV file that tradewar writes to describe", dir);
    fputs("\n  ]", fp);
    const tw_measure_info *list;
    size_t n = tw_trade_indicator_list(&list);
    dictionary(fp, "indicators", list, n);
    n = tw_trade_outcome_list(&list);
    dictionary(fp, "outcomes", list, n);
    fputs("\n}\n", fp);
    if (st != TW_OK) {
        tw_afile_abort(f);
        return st;
    }
    return tw_afile_commit(f, err);
}
