"""The report's hindcast section: hindcast.csv as `tradewar hindcast` writes it (one row per
decision point the model forecast, with the outcome that followed, the probability the
replicates gave it and the climatology, each fitted leaving the decision's episode out),
its Brier and log scores against the climatology, overall and per fitted group, the
reliability table and the reliability diagram. The scores are those the command prints:
the log score's probability kept inside [1/(2R), 1 - 1/(2R)] for R replicates."""

import math

from tradewar_report.inputs import ReportError, _pd_read, check_csv_shape

COLUMNS = ["episode", "date", "outcome", "probability", "climatology", "group", "replicates"]
# The forecast bins of the reliability table: [0, 0.2), ..., [0.8, 1].
BINS = 5


def read_hindcast(path):
    """hindcast.csv, checked: the columns, outcomes 0/1, probabilities in [0, 1]."""
    import pandas as pd
    header = check_csv_shape(path, "hindcast.csv")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ReportError(f"hindcast.csv: wrong columns: no {', '.join(missing)} (header: "
                          f"{','.join(header)[:120]})")
    df = _pd_read(path, "hindcast.csv", header, dtype=str)
    if len(df) == 0:
        raise ReportError("hindcast.csv: no decisions")
    for c in ("outcome", "probability", "climatology", "replicates"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    bad = ~df["outcome"].isin([0, 1]) | ~df["probability"].between(0, 1) | \
        ~df["climatology"].between(0, 1, inclusive="neither") | ~(df["replicates"] >= 1)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ReportError(f"hindcast.csv: data row {i + 1}: outcome must be 0 or 1, "
                          "probability in [0, 1], climatology in (0, 1), replicates >= 1")
    df["outcome"] = df["outcome"].astype(int)
    return df


def scores(df):
    """(Brier, log, climatology's Brier, climatology's log) over df's decisions."""
    o, p, c = df["outcome"], df["probability"], df["climatology"]
    lo = 1.0 / (2.0 * df["replicates"])
    q = (o * p + (1 - o) * (1 - p)).clip(lower=lo, upper=1 - lo)
    qc = o * c + (1 - o) * (1 - c)
    return (float(((p - o) ** 2).mean()), float(-q.map(math.log).mean()),
            float(((c - o) ** 2).mean()), float(-qc.map(math.log).mean()))


def reliability(df):
    """[(lo, hi, decisions, mean forecast, observed share)] for every bin (nan when empty)."""
    rows = []
    p = df["probability"]
    for k in range(BINS):
        lo, hi = k / BINS, (k + 1) / BINS
        sub = df[(p >= lo) & ((p < hi) | ((k == BINS - 1) & (p <= hi)))]
        n = len(sub)
        rows.append((lo, hi, n, float(sub["probability"].mean()) if n else math.nan,
                     float(sub["outcome"].mean()) if n else math.nan))
    return rows


def hindcast_section(out, charts):
    """The scores, the tables and the reliability diagram of out.hindcast."""
    df = out.hindcast
    b, lg, cb, cl = scores(df)
    groups = []
    for g, sub in df.groupby("group", sort=False):
        gb, glg, gcb, gcl = scores(sub)
        groups.append([g, len(sub), gb, gcb, glg, gcl])
    rel = reliability(df)
    plt = charts.plt
    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    ax.plot([0, 1], [0, 1], color="#888888", lw=0.8, ls="--", label="perfect reliability")
    pts = [r for r in rel if r[2] > 0]
    ax.plot([r[3] for r in pts], [r[4] for r in pts], "o-", color="#102a43",
            label="the model, agents fitted leaving the episode out")
    for r in pts:
        ax.annotate(str(r[2]), (r[3], r[4]), textcoords="offset points", xytext=(5, -11),
                    fontsize=8)
    base = float(df["outcome"].mean())
    ax.axhline(base, color="#8ea6bf", lw=0.8, ls=":", label=f"observed base rate {base:.2f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.06)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed share")
    n_rep = int(df["replicates"].iloc[0])
    ax.set_title(f"Reliability over {len(df)} decisions ({n_rep} replicates each)")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    charts.save(fig, "hindcast", "hindcast_reliability",
                "Reliability of the hindcast",
                f"Reliability diagram: the decisions binned by the model's probability "
                f"(bins of 0.2), the observed share in each bin against the bin's mean "
                f"forecast, with the number of decisions beside each point. On the diagonal "
                f"a forecast of p comes true p of the time. Brier {b:.3f} against the "
                f"climatology's {cb:.3f}; log {lg:.3f} against {cl:.3f}.")
    return dict(n=len(df), replicates=n_rep, brier=b, log=lg, clim_brier=cb, clim_log=cl,
                groups=groups, reliability=[[f"{lo:.1f}-{hi:.1f}", n, m, s]
                                            for lo, hi, n, m, s in rel])


def headline(r):
    """The section's sentence among the headline answers."""
    better = "beats" if r["brier"] < r["clim_brier"] else "does not beat"
    return (f"Over {r['n']} decision points of 2018 to May 2025, the hindcast {better} the "
            f"climatology on the Brier score ({r['brier']:.3f} against "
            f"{r['clim_brier']:.3f}; log {r['log']:.3f} against {r['clim_log']:.3f}).")


def write_html(doc, r, figures):
    """The section on the page: the scores, the reliability diagram and its table."""
    doc.h(2, "Hindcast over the decision points", "hindcast")
    doc.p("From hindcast.csv (tradewar hindcast): for each decision point of the record that "
          "a process of the model decides, the model started at that date with the agents "
          "fitted leaving the decision's episode out; the probability is the share of its "
          "replicates in which the outcome followed. The climatology is the base rate of "
          "every decision of the record without the episode. Brier: mean (p − o)²; log: "
          "mean −ln of the probability given to what happened. Lower is better.")
    doc.table("hindcast-scores-table", ["group", "decisions", "Brier", "climatology Brier",
                                        "log", "climatology log"],
              [["all", r["n"], r["brier"], r["clim_brier"], r["log"], r["clim_log"]]]
              + r["groups"])
    figures("hindcast")
    doc.table("hindcast-reliability-table", ["forecast bin", "decisions", "mean forecast",
                                             "observed share"], r["reliability"])
