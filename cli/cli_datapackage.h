/* cli_datapackage.h - the data dictionary beside every output directory: datapackage.json,
 * a Frictionless Data Package (profile tabular-data-package, one Table Schema per CSV).
 *
 * It is generated from the files themselves and from the model's own dictionary
 * (tw_trade_indicator_list, tw_trade_outcome_list): every CSV of the directory (and of its
 * points/<k>/ folders, for a sweep), plain or gzip-compressed, becomes a resource whose
 * schema lists each column of its header, in order, with its type, description and, where
 * it has one, its unit. The package also carries the dictionary itself ("indicators": name,
 * unit, aggregation, definition, and what the region and partner columns hold for the
 * indicator; "outcomes": name, unit, aggregation, definition), since region and partner
 * change meaning from one indicator to the next (importer / exporter for imports,
 * exporter / importer for exports, ...). "nan" is a missing value ("did not happen", or
 * undefined), and so is an empty field; the infinities are written INF and -INF (Table
 * Schema's number spelling, tw_format_double). The bytes depend only on the files' headers and the
 * model, so equal runs give equal packages.
 *
 * Thread-safety: none needed; called by rank 0 alone.
 */
#ifndef TW_CLI_DATAPACKAGE_H
#define TW_CLI_DATAPACKAGE_H

#include "tw_error.h"

/* Write dir/datapackage.json through tw_afile (a temporary, fsynced, renamed into place)
 * describing every CSV in dir and in dir/points/<k>/. TW_EIO when a file cannot be read
 * or the package written; TW_EUSAGE, and nothing written, when dir holds no CSV file of
 * the program (a package needs at least one resource). */
tw_status tw_cli_write_datapackage(const char *dir, tw_err *err);

#endif
