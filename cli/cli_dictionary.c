/* cli_dictionary.c - `tradewar dictionary [--csv]`: the model's data dictionary, printed
 * from the lists its blocks register (models/tw_measures.h, through tw_trade.h's
 * tw_trade_indicator_list and tw_trade_outcome_list): every indicator (summary.csv's
 * `indicator` column) with its unit, aggregation, what its region and partner columns hold
 * and its definition, then every outcome (replicates.csv's columns after replicate,seed)
 * with its unit, aggregation and definition. The same lists write datapackage.json, so
 * documentation made from this output cannot drift from what a run writes.
 *
 * Default: two Markdown tables. --csv: one table for tools,
 * kind,name,unit,aggregation,region,partner,definition (kind indicator or outcome; region
 * and partner empty for an outcome). Runs nothing and reads no scenario; the columns a
 * scenario adds for its drawn parameters are named in its replicates.csv.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_datapackage.h"
#include "tw_mpi.h"
#include "tw_output.h"
#include "tw_trade.h"

/* s in a Markdown table cell: a '|' would end the cell. */
static void md_cell(FILE *fp, const char *s) {
    for (; *s; s++) {
        if (*s == '|') fputc('\\', fp);
        fputc(*s, fp);
    }
}

/* The first cells of an entry's row: its name, unit and aggregation. */
static void md_head(FILE *fp, const tw_measure_info *e) {
    fprintf(fp, "| `%s` | ", e->name);
    md_cell(fp, e->unit);
    fprintf(fp, " | %s | ", tw_aggregation_names[e->aggregation]);
}

static void markdown(FILE *fp) {
    const tw_measure_info *list;
    size_t n = tw_trade_indicator_list(&list);
    fprintf(fp, "Indicators (summary.csv), %zu:\n\n", n);
    fputs("| indicator | unit | aggregation | region / partner | definition |\n"
          "| --- | --- | --- | --- | --- |\n", fp);
    for (size_t i = 0; i < n; i++) {
        md_head(fp, &list[i]);
        md_cell(fp, list[i].region);
        fputs(" / ", fp);
        md_cell(fp, list[i].partner);
        fputs(" | ", fp);
        md_cell(fp, list[i].definition);
        fputs(" |\n", fp);
    }
    n = tw_trade_outcome_list(&list);
    fprintf(fp, "\nOutcomes (replicates.csv, after replicate,seed), %zu:\n\n", n);
    fputs("| outcome | unit | aggregation | definition |\n| --- | --- | --- | --- |\n", fp);
    for (size_t i = 0; i < n; i++) {
        md_head(fp, &list[i]);
        md_cell(fp, list[i].definition);
        fputs(" |\n", fp);
    }
}

static void dictionary_csv(FILE *fp) {
    fputs("kind,name,unit,aggregation,region,partner,definition\n", fp);
    static const char *const kinds[2] = {"indicator", "outcome"};
    for (int k = 0; k < 2; k++) {
        const tw_measure_info *list;
        size_t n = k == 0 ? tw_trade_indicator_list(&list) : tw_trade_outcome_list(&list);
        for (size_t i = 0; i < n; i++) {
            const char *fields[] = {kinds[k], list[i].name, list[i].unit,
                                    tw_aggregation_names[list[i].aggregation],
                                    list[i].region != NULL ? list[i].region : "",
                                    list[i].partner != NULL ? list[i].partner : "",
                                    list[i].definition};
            for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
                if (f > 0) fputc(',', fp);
                tw_csv_put(fp, fields[f]);
            }
            fputc('\n', fp);
        }
    }
}

tw_status tw_cli_dictionary(const tw_cli_args *a, int argc, char **argv, tw_err *err) {
    (void)a; /* dictionary parses argv itself */
    bool csv = false;
    const char *package = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0) {
            csv = true;
        } else if (strcmp(argv[i], "--package") == 0) {
            if (i + 1 >= argc)
                return tw_err_set(err, TW_EUSAGE, "dictionary: --package needs a directory");
            package = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (tw_mpi_rank() == 0)
                puts("usage: tradewar dictionary [--csv | --package DIR]\n"
                     "  every indicator (summary.csv) and outcome (replicates.csv) with its unit,\n"
                     "  aggregation and definition: Markdown tables, or one CSV table with --csv\n"
                     "  (kind,name,unit,aggregation,region,partner,definition); --package writes\n"
                     "  DIR/datapackage.json for the program's CSV files in DIR (bench/run's\n"
                     "  folder: bench.csv), as every command writes it beside its own");
            return TW_OK;
        } else
            return tw_err_set(err, TW_EUSAGE,
                              "dictionary: unknown option '%s' (expected --csv, --package DIR "
                              "or nothing)", argv[i]);
    }
    if (tw_mpi_rank() != 0) return TW_OK; /* under mpirun: one copy */
    if (package != NULL) {
        struct stat sb;
        if (stat(package, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return tw_err_set(err, TW_EUSAGE, "dictionary --package: %s: not a directory",
                              package);
        return tw_cli_write_datapackage(package, err);
    }
    if (csv)
        dictionary_csv(stdout);
    else
        markdown(stdout);
    return TW_OK;
}
