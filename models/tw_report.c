/* tw_report.c - what the trade-war model's terminal report shows (tw_report.h), next to
 * its data dictionary (tw_indicators.c): the series of the monthly table, the headline
 * probabilities, the leader calls against their historical rate, the rare-earth tables,
 * the US-EU block and the court block, each by the labels, outcome names and scenario
 * keys the model writes and reads; and, for a run's world, the table of US imports by
 * partner (tw_trade_report_world: one column a region of the world).
 *
 * The units of the monthly table's columns and of the outcomes come from the dictionary,
 * composed once on first use (pthread_once) like the dictionary itself: a flow whose unit
 * is a quantity per day is shown as its month's total (USD million per day as USD bn a
 * month), a level as its month's mean. Adding a column is one line of month_cols below.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tw_events.h"
#include "tw_indicators.h"
#include "tw_report.h"

/* The monthly table: heading, series (sector "all"), decimals. */
static const struct {
    const char *head, *ind, *region, *partner;
    int prec;
} month_cols[] = {
    {"US tariff on CN", "tariff_rate", "US", "CN", 1},
    {"CN tariff on US", "tariff_rate", "CN", "US", 1},
    {"US imports from CN", "imports", "US", "CN", 1},
    {"CN share of US imp.", "partner_import_share", "US", "CN", 2},
    {"US welfare", "welfare", "US", "all", 3},
    {"CN welfare", "welfare", "CN", "all", 3},
};
#define NMONTH (sizeof month_cols / sizeof month_cols[0])
#define UNITS_MAX 512

static const tw_report_words report_probs[] = {
    {"leader_call_before_truce_end", "a leader call before the truce runs out"},
    {"deal_before_truce_end", "a call breaks the deadlock (deal) before it runs out"},
    {"truce_extended", "the truce is extended"},
    {"snap_back", "the truce ends: snap-back or broken"},
    {"breach_accused", "a breach accusation"},
    {"us_vehicle_halt", "a shortage halts US vehicles (events.vehicle_halt_loss)"},
    {"court_struck_ieepa", "the court strikes down the IEEPA tariffs"},
    {"third_party_retaliated", "a third party retaliates"},
};

/* The drawn parameters in words. */
static const tw_report_words report_words[] = {
    {"events.leader_calls.hazard_per_day", "the call hazard"},
    {"events.leader_calls.pain_slope", "the call hazard's pain slope"},
    {"events.deal.base", "the deal chance"},
    {"events.deal.pain_slope", "the deal chance's pain slope"},
    {"events.truce.extension.base", "the extension chance"},
    {"events.truce.extension.pain_slope", "the extension chance's pain slope"},
    {"events.truce.extension.US", "the US word on an extension"},
    {"events.truce.extension.CN", "China's word on an extension"},
    {"events.court.strike_prob", "the court's strike chance"},
    {"events.court.reimpose.prob", "the re-imposition chance"},
    {"events.court.ruling_day", "the ruling day"},
    {"governments.US.resolve", "the US resolve"},
    {"governments.CN.resolve", "China's resolve"},
    {"governments.US.snapback_prob", "the US snap-back chance"},
    {"governments.CN.snapback_prob", "China's snap-back chance"},
    {"governments.US.forgive", "the US forgiveness"},
    {"governments.CN.forgive", "China's forgiveness"},
};

/* The event process's sections and the outcomes only it moves: in a scenario without one
 * they are not 0 by chance but not modelled. */
static const char *const report_event_keys[] = {tw_gov_section, tw_events_section,
                                                tw_third_parties_section};
static const char *const report_event_outcomes[] = {
    "days_in_truce", "escalations", "first_leader_call_day", "leader_call_before_truce_end",
    "deal_before_truce_end", "truce_extended", "truce_extensions", "deal_cut_tariffs", "snap_back",
    "breach_accused", "court_struck_ieepa", "third_party_retaliated", "leader_calls",
    "court_ruling_day", "court_reimposed"};

static const tw_report_rate calls = {
    .outcome = "leader_calls",
    .what = "leader calls per replicate",
    .section = "events.leader_calls",
    .from = "events.leader_calls.from",
    .rate = "events.leader_calls.reference.per_year",
    .source = "events.leader_calls.reference.source",
    .counted = "calls",
    .no_rate = "no historical rate to compare with (events.leader_calls.reference)",
};

#define L(ind, r, p, s) {ind, r, p, s}

/* China's regime toward the US: the weekly table's states, the first the quiet one. */
static const tw_series_label regimes[] = {
    L("re_regime_open", "US", "CN", "all"), L("re_regime_licensing", "US", "CN", "all"),
    L("re_regime_slow_roll", "US", "CN", "all"), L("re_regime_halt", "US", "CN", "all")};
static const char *const regime_names[] = {"open", "licensing", "slow_roll", "halt"};

static const tw_report_col weekly_cols[] = {
    {.head = "US veh. output stopped %", .sub = "mean [p05, p95]", .width = 26,
     .cell = TW_REPORT_BAND, .series = L("output_loss_gross", "US", "all", "vehicles"),
     .w = 8, .wb = 6, .prec = 1},
    {.head = "US vehicle firms halted %", .sub = "mean [p05, p95]", .width = 22,
     .cell = TW_REPORT_BAND, .series = L("re_firms_halted", "US", "CN", "vehicles"),
     .w = 6, .wb = 5, .prec = 1},
    {.head = "US veh. stock days", .sub = "mean (p10)", .width = 18, .cell = TW_REPORT_WITH,
     .series = L("re_inventory_days", "US", "CN", "vehicles"),
     .with = L("re_inventory_days_p10", "US", "CN", "vehicles"), .w = 10, .wb = 5, .prec = 1},
    {.head = "US<-CN t/day", .sub = "mean", .width = 15, .cell = TW_REPORT_MEAN,
     .series = L("re_shipments", "US", "CN", "all"), .w = 15, .prec = 1},
    {.head = "US GDP %", .sub = "mean", .width = 12, .cell = TW_REPORT_MEAN,
     .series = L("gdp", "US", "all", "all"), .w = 12, .prec = 3},
};

static const tw_report_row report_onset_rows[] = {
    {"re_us_vehicles_peak_loss_pct", "peak US vehicle output loss", "%"},
    {"re_us_shortage_days", "days with US vehicle output loss above threshold", "days"},
    {"re_us_vehicles_plant_days", "plant-days stopped per US vehicle plant", "days"},
    {"gdp_loss_us_usd_bn", "cumulative US GDP lost to shortages (net of catch-up)", "USD bn"},
};

static const tw_report_weekly report_weekly = {
    .title = "Rare-earth magnets, China -> US",
    .hint = "(the weekly rare-earth table, China -> US: --tables, or summary.csv)",
    .state_head = "regime",
    .states = regimes,
    .state_names = regime_names,
    .n_states = sizeof regimes / sizeof regimes[0],
    .cols = weekly_cols,
    .n_cols = sizeof weekly_cols / sizeof weekly_cols[0],
    .onset_outcome = "re_us_vehicles_first_loss_day",
    .onset_never = "US vehicle output never falls by more than the shortage threshold "
                   "(rare_earths.loss_threshold_pct)",
    .onset_starts = "US vehicle output starts to fall (loss above "
                    "rare_earths.loss_threshold_pct)",
    .onset_rows = report_onset_rows,
    .n_onset_rows = sizeof report_onset_rows / sizeof report_onset_rows[0],
};

/* The magnets' importers: each one's vehicle output stopped and China's magnets to it
 * (licensed and outside scope), shown while China's regime toward one of them is not
 * open; all destinations against China's 2024 level (52,500 t in eleven months). */
#define DEST(r)                                                                               \
    {r " veh%", r "<-CN t", L("re_regime_open", r, "CN", "all"),                          \
     L("output_loss_gross", r, "all", "vehicles"),                                            \
     {L("re_shipments", r, "CN", "all"), L("re_shipments_outside_scope", r, "CN", "all")}}
/* Every importer of the shipped worlds (data/ and data/worlds/nine/); the table shows those
 * of the run's world, so its total is China's magnets to every destination there. */
static const tw_report_dest_row dest_rows[] = {DEST("US"), DEST("EU"), DEST("MX"), DEST("CA"),
                                               DEST("JP"), DEST("KR"), DEST("VN"), DEST("ROW")};

static const tw_report_dest report_dest = {
    .title = "Rare-earth magnets by destination, monthly means across replicates: vehicle "
             "output stopped % and China's\nmagnets, tonnes a month; all destinations against "
             "China's 2024 level over the month's days",
    .ref_key = "rare_earths.exports_t_per_year.total",
    .ref_default = 52500.0 * 12.0 / 11.0,
    .ref_max = 1e9,
    .ref_unit = "t a year",
    .rows = dest_rows,
    .n_rows = sizeof dest_rows / sizeof dest_rows[0],
    .total_head = "all t",
    .ratio_head = "vs 2024 %",
};

/* The US-EU block: the US steel and aluminium (Section 232 metals) rate on the EU, the
 * EU's trade-weighted tariff on the US and its welfare on the month's last day, its
 * imports from the US (USD million per day) as the month's total in USD bn; shown where
 * either tariff moves or an EU third party may retaliate. */
static const tw_report_col us_eu_cols[] = {
    {.head = "US tariff on EU metals %", .sub = "month end", .width = 28, .cell = TW_REPORT_BAND,
     .series = L("tariff_rate", "US", "EU", "metals"), .w = 8, .wb = 8, .prec = 2,
     .watch = true},
    {.head = "EU tariff on US %", .sub = "month end", .width = 28, .cell = TW_REPORT_BAND,
     .series = L("tariff_rate", "EU", "US", "all"), .w = 8, .wb = 8, .prec = 2,
     .watch = true},
    {.head = "EU welfare %", .sub = "month end", .width = 28, .cell = TW_REPORT_BAND,
     .series = L("welfare", "EU", "all", "all"), .w = 8, .wb = 8, .prec = 2},
    {.head = "EU imp. from US", .sub = "USD bn/month", .width = 18, .cell = TW_REPORT_MEAN,
     .series = L("imports", "EU", "US", "all"), .w = 18, .prec = 2, .flow = true,
     .scale = 1e-3},
};

static const tw_report_monthend us_eu = {
    .title = "US-EU: steel and aluminium and the EU's answer",
    .caption = ": rates and welfare on the month's last\nday, mean [p05, p95]; EU imports "
               "from the US, the month's total, mean",
    .cols = us_eu_cols,
    .n_cols = sizeof us_eu_cols / sizeof us_eu_cols[0],
    .list = tw_third_parties_section,
    .field = "actor",
    .value = "EU",
    .share_outcome = "third_party_retaliated",
    .share_text = "the EU retaliates (third_parties, actor EU)",
};

static const tw_report_words court_shares[] = {
    {"court_struck_ieepa", "the IEEPA tariffs are struck down"},
    {"court_reimposed",
     "re-imposed under {reimpose.authority|another authority}, capped at {reimpose.cap_pct|15}%"},
};

static const tw_report_ruling court = {
    .parent = tw_events_section,
    .section = "events.court",
    .from = "events.court.from",
    .title = "Court ruling on the IEEPA tariffs",
    .none_what = "court ruling on the IEEPA tariffs",
    .none_hint = "scenarios/court-strikes-ieepa.yaml has one",
    .day_outcome = "court_ruling_day",
    .day_text = "ruling date",
    .day_none = "no ruling within the run",
    .shares = court_shares,
    .n_shares = sizeof court_shares / sizeof court_shares[0],
    .band_head = "US tariff on CN %",
    .band = L("tariff_rate", "US", "CN", "all"),
};

static struct {
    tw_report_spec spec;
    tw_report_column months[NMONTH];
    char month_units[NMONTH][40];
    tw_report_words units[UNITS_MAX];
} report;
static pthread_once_t report_once = PTHREAD_ONCE_INIT;

/* Column c of the monthly table, its unit and aggregation from the dictionary. */
static void month_col(const tw_measure_info *dict, size_t nd, size_t c) {
    tw_report_column *h = &report.months[c];
    char *unit = report.month_units[c];
    size_t cap = sizeof report.month_units[c];
    *h = (tw_report_column){.head = month_cols[c].head, .unit = unit,
                            .series = {month_cols[c].ind, month_cols[c].region,
                                       month_cols[c].partner, "all"},
                            .scale = 1.0, .prec = month_cols[c].prec};
    snprintf(unit, cap, "mean");
    for (size_t k = 0; k < nd; k++) {
        if (strcmp(dict[k].name, month_cols[c].ind) != 0) continue;
        const char *u = dict[k].unit;
        h->flow = dict[k].aggregation == TW_AGG_SUM;
        size_t ul = strlen(u), pd = strlen(" per day");
        if (h->flow && strcmp(u, "USD million per day") == 0) {
            h->scale = 1e-3;
            snprintf(unit, cap, "USD bn/month");
        } else if (h->flow && ul > pd && strcmp(u + ul - pd, " per day") == 0) {
            snprintf(unit, cap, "%.*s/month", (int)(ul - pd), u);
        } else {
            /* "percent", "percent (log points)": the symbol, the rest kept. */
            bool pct = strncmp(u, "percent", 7) == 0;
            snprintf(unit, cap, "%s%s, %s", pct ? "%" : u, pct ? u + 7 : "",
                     h->flow ? "month total" : "mean");
        }
    }
}

static void compose_report(void) {
    const tw_measure_info *dict;
    size_t nd = tw_trade_indicator_list(&dict);
    for (size_t c = 0; c < NMONTH; c++) month_col(dict, nd, c);
    size_t no = tw_trade_outcome_list(&dict);
    if (no > UNITS_MAX) no = UNITS_MAX; /* the dictionary's own check refuses more */
    for (size_t k = 0; k < no; k++) report.units[k] = (tw_report_words){dict[k].name, dict[k].unit};
    report.spec = (tw_report_spec){
        .months = report.months,
        .n_months = NMONTH,
        .headline = {.probs = report_probs,
                     .n_probs = sizeof report_probs / sizeof report_probs[0],
                     .first_outcome = "first_leader_call_day",
                     .first_text = "first leader call, median date",
                     .first_had = "had a call",
                     .words = report_words,
                     .n_words = sizeof report_words / sizeof report_words[0]},
        .event_keys = report_event_keys,
        .n_event_keys = sizeof report_event_keys / sizeof report_event_keys[0],
        .event_outcomes = report_event_outcomes,
        .n_event_outcomes = sizeof report_event_outcomes / sizeof report_event_outcomes[0],
        .scripted_note = "scripted: the scenario has no event process (no governments:, events: "
                         "or third_parties:);\n  its truces, extensions and calls, if any, are "
                         "dated tariff entries, so nothing draws them",
        .units = report.units,
        .n_units = no,
        .rate = &calls,
        .weekly = &report_weekly,
        .dest = &report_dest,
        .monthend = &us_eu,
        .ruling = &court,
    };
}

const tw_report_spec *tw_trade_report(const void *params) {
    (void)params; /* the same report for every scenario: a block the run lacks is left out */
    pthread_once(&report_once, compose_report);
    return &report.spec;
}

void tw_trade_report_world(const tw_world *world, tw_trade_world_report *r) {
    r->spec = *tw_trade_report(NULL);
    size_t n = 0;
    for (int o = 0; o <= world->nreg; o++) {
        if (o == TW_US) continue;
        const char *code = o < world->nreg ? world->names[o] : "all";
        snprintf(r->heads[n], sizeof r->heads[n], "%s%s", o < world->nreg ? "from " : "", code);
        r->cols[n] = (tw_report_col){.head = r->heads[n], .sub = "USD bn", .width = 9,
                                     .cell = TW_REPORT_MEAN, .series = L("imports", "US", code, "all"),
                                     .w = 9, .prec = 1, .flow = true, .scale = 1e-3};
        n++;
    }
    r->partners = (tw_report_flows){
        .title = "US imports by partner, the month's total at customs value, USD bn, mean",
        .cols = r->cols,
        .n_cols = n};
    r->spec.flows = &r->partners;
}
