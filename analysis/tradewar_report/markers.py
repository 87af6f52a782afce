"""The dated markers on every time axis of the report: the scenario's tariff measures
taking effect, the truce's deadline, and the first day of each kind of event of
events.csv; each with a label in plain words, numbered, and placed so that no two labels
overlap.

A marker is (date, label). Measures are labelled from the entry's `note` (its first
clause) or, without one, from the measure's name in words and its rate ("s232_metals" at
50 -> "Section 232 steel and aluminium 50%"), prefixed by who imposes it on whom ("US on China: fentanyl
tariff"); measures of one date share a marker. Events are counted over the replicates
("leader call: 5/8", the median over the replicates where it happened of the day it first
happened).
"""

import datetime
import re

REGION_NAMES = {"US": "US", "CN": "China", "EU": "EU", "ROW": "rest of world", "ALL": "all",
                "all": "all"}

# Words for the parts of measure ids that are abbreviations.
ID_WORDS = {"s232": "Section 232", "s301": "Section 301", "s122": "Section 122",
            "ieepa": "IEEPA", "mfn": "MFN", "camx": "Canada and Mexico",
            "metals": "steel and aluminium", "re": "rare-earth", "legacy": "pre-2025"}

# events.csv event names, in words, in the order they are marked. Events not listed here
# (escalations, breach accusations) happen too often to mark.
EVENT_LABELS = [
    (r"^(?:truce|truce_in_force)$", "truce starts"),
    (r"^truce_extended$", "truce extended"),
    (r"^snap_back$", "truce expires: tariffs snap back"),
    (r"^truce_broken$", "truce broken"),
    (r"^leader_call$", "leader call"),
    (r"^deal$", "deal"),
    (r"^(?:tighten_controls|restore_controls)$", "export controls tightened"),
    (r"^loosen_controls$", "export controls eased"),
    (r"regime", "export-control regime changes"),
    (r"^(?:court|ruling|struck)", "court ruling"),
]

LABEL_CHARS = 38     # longest label text before it is shortened with an ellipsis


def _date(text):
    try:
        return datetime.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def tariff_measures(scenario):
    """The scenario's tariff entries, in file order, as dicts of text (effective as a date
    too, None where it is not one)."""
    rows = []
    tariffs = scenario.get("tariffs") if isinstance(scenario, dict) else None
    if not isinstance(tariffs, list):
        return rows
    for t in tariffs:
        if not isinstance(t, dict):
            continue
        eff = t.get("effective")
        sectors = t.get("sectors", "all")
        if isinstance(sectors, list):
            sectors = ", ".join(str(s) for s in sectors)
        rows.append(dict(effective=_date(eff), effective_text=str(eff or ""),
                         measure=str(t.get("measure", "")), imposer=str(t.get("imposer", "")),
                         target=str(t.get("target", "")), sectors=str(sectors),
                         rate=t.get("rate", ""), coverage=t.get("coverage", ""),
                         announced=str(t.get("announced", "")), end=str(t.get("end", "")),
                         note=str(t.get("note", ""))))
    return rows


def shorten(text, n=LABEL_CHARS):
    """text cut at a word boundary to at most n characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    cut = text[:n - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
    return (cut or text[:n - 1]) + "…"


def measure_words(m):
    """What a measure is, in words: the first clause of its note, else its id in words."""
    note = m.get("note", "")
    if note:
        first = re.split(r";\s|\s\(|:\s", note, maxsplit=1)[0].strip()
        if first:
            return first
    # the regions are said before it ("US on China: ..."), the rate after
    words = [ID_WORDS.get(w.lower(), w) for w in m.get("measure", "").split("_")
             if w and w.upper() not in REGION_NAMES]
    text = " ".join(words) or "tariff measure"
    try:
        return f"{text} {float(m.get('rate')):.3g}%"
    except (TypeError, ValueError):
        return text


def measure_markers(measures, first, last):
    """[(date, label)] of the measures taking effect inside [first, last], one per date:
    "US on China: fentanyl tariff", several of one date joined ("...; China on US: farm
    goods"), shortened to fit."""
    by_date = {}
    for m in measures:
        d = m["effective"]
        if d is None or d < first or d > last:
            continue
        who = f"{REGION_NAMES.get(m['imposer'], m['imposer'])} on " \
              f"{REGION_NAMES.get(m['target'], m['target'])}"
        texts = by_date.setdefault(d, {}).setdefault(who, [])
        w = measure_words(m)
        if w not in texts:
            texts.append(w)
    out = []
    for d, groups in sorted(by_date.items()):
        parts = [f"{who}: {', '.join(texts)}" for who, texts in groups.items()]
        label = parts[0] if len(parts) == 1 else f"{parts[0]} (+{len(parts) - 1} more)"
        out.append((d, shorten(label), "; ".join(parts)))
    return out


def truce_deadline(scenario, first, last):
    """[(date, short label, full text)] for the scenario's agreed truce deadline
    (events.truce.in_force.until), when it falls inside [first, last]."""
    ev = scenario.get("events") if isinstance(scenario, dict) else None
    truce = ev.get("truce") if isinstance(ev, dict) else None
    in_force = truce.get("in_force") if isinstance(truce, dict) else None
    until = _date(in_force.get("until")) if isinstance(in_force, dict) else None
    if until is None or not first <= until <= last:
        return []
    return [(until, "truce deadline",
             f"truce deadline (scenario): the truce in force from {in_force.get('since', '?')} "
             f"expires unless extended")]


def event_markers(events, n_rep, first, last):
    """[(date, short label, full text)] of the events of EVENT_LABELS in events.csv: for
    each kind, the median over the replicates where it happened of the day it first
    happened, labelled with how many replicates that is ("leader call: 5/8")."""
    import pandas as pd
    if events is None or len(events) == 0 or not n_rep:
        return []
    ev = events.copy()
    ev["date"] = pd.to_datetime(ev["date"], format="%Y-%m-%d", errors="coerce")
    ev = ev.dropna(subset=["date"])
    names = ev["event"].astype(str)
    out = []
    for pattern, label in EVENT_LABELS:
        sel = ev[names.str.contains(pattern)]
        if len(sel) == 0:
            continue
        firsts = sel.groupby("replicate")["date"].min()
        day = firsts.sort_values().iloc[(len(firsts) - 1) // 2].date()
        if first <= day <= last:
            text = f"{label}: {len(firsts)}/{n_rep}"
            out.append((day, text, f"{text} replicates (median first day over those)"))
    return out


def merge_same_day(markers):
    """markers sorted by date, those of one day made one (their labels joined), so that
    each line on the charts is one marker."""
    out = []
    for d, short, full in sorted(markers, key=lambda m: m[0]):
        if out and out[-1][0] == d:
            _, s0, f0 = out[-1]
            out[-1] = (d, shorten(f"{s0}; {short}"), f"{f0}; {full}")
        else:
            out.append((d, short, full))
    return out


def place_labels(markers, x0, x1, axes_in, max_rows):
    """Number the markers in date order and place their labels in up to max_rows rows of
    the strip above the axes so that no two overlap (a label's width estimated from its
    length at 6.5 pt, axes_in inches for the span x0..x1), each starting at its line
    (to the right, or to the left where the right is taken or runs off the axis). First
    every marker gets its number, so each line can be looked up in the page's table of
    markers; then each, in date order, gets its label in words ("3 leader call: 5/8")
    where that fits beside the others.

    Returns ([(date, text, row or None, right)], rows used)."""
    span = max((x1 - x0).days, 1)
    days_per_in = span / axes_in
    occupied = [[] for _ in range(max_rows)]   # per row: (lo, hi, marker)

    def width(text):
        return ((len(text) + 1) * 6.5 * 0.55 / 72.0) * days_per_in + 1

    def fit(pos, text):
        w = width(text)
        for r, occ in enumerate(occupied):
            for right in (True, False):
                lo, hi = (pos, pos + w) if right else (pos - w, pos)
                if lo >= 0 and hi <= span and all(hi < a or lo > b for a, b, _ in occ):
                    return r, lo, hi, right
        return None

    slots = []
    for k, m in enumerate(markers, 1):
        got = fit((m[0] - x0).days, str(k))
        if got is not None:
            occupied[got[0]].append((got[1], got[2], k))
        slots.append(got)
    placed = []
    for k, m in enumerate(markers, 1):
        pos, got, text = (m[0] - x0).days, slots[k - 1], str(k)
        if got is not None:
            occupied[got[0]].remove((got[1], got[2], k))
        wide = fit(pos, f"{k} {m[1]}")
        if wide is not None:
            got, text = wide, f"{k} {m[1]}"
        if got is not None:
            occupied[got[0]].append((got[1], got[2], k))
            placed.append((m[0], text, got[0], got[3]))
        else:
            placed.append((m[0], text, None, True))
    used = max([p[2] + 1 for p in placed if p[2] is not None], default=0)
    return placed, used
