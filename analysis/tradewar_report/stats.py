"""Small statistics and number formats of the report: Student's t quantile and
interval and the Wilson score interval without SciPy, the tables' number format and the
rounding of the headline sentences."""

import math


Z975 = 1.959963984540054   # standard normal 97.5% quantile
Z95 = 1.6448536269514722   # 95% quantile: mean +- Z95 sd is the normal 90% band
NUMBER_FORMAT = "%.6g"     # every number in the report's tables


def _t_two_sided_mass(t, df):
    """P(|T| < t) for Student's t with integer df (Abramowitz & Stegun 26.7.3-4)."""
    th = math.atan(t / math.sqrt(df))
    s, c = math.sin(th), math.cos(th)
    if df % 2 == 1:
        if df == 1:
            return 2.0 / math.pi * th
        term = acc = c
        for k in range(3, df - 1, 2):
            term *= c * c * (k - 1) / k
            acc += term
        return 2.0 / math.pi * (th + s * acc)
    term = acc = 1.0
    for k in range(2, df - 1, 2):
        term *= c * c * (k - 1) / k
        acc += term
    return s * acc


def t_quantile_975(df):
    """97.5% quantile of Student's t with df degrees of freedom (NaN when df < 1)."""
    if df < 1:
        return float("nan")
    if df > 1000:  # Cornish-Fisher expansion (A&S 26.7.5), exact to double precision here
        z, n = Z975, float(df)
        g1 = (z ** 3 + z) / 4
        g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
        g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
        g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
        return z + g1 / n + g2 / n ** 2 + g3 / n ** 3 + g4 / n ** 4
    lo, hi = 0.0, 16.0
    while _t_two_sided_mass(hi, df) < 0.95:
        hi *= 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if _t_two_sided_mass(mid, df) < 0.95:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def t_interval(values):
    """(mean, sd, low, high) of the 95% t interval of the mean; NaN bounds when n < 2."""
    n = len(values)
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else float("nan")
    if n < 2:
        return mean, sd, float("nan"), float("nan")
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def wilson_interval(k, n, z=Z975):
    """95% Wilson score interval for k successes in n trials."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    den = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z / den * math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def fmt(x, digits=None):
    """A table number: NUMBER_FORMAT, or n/a for a missing or non-finite value. With
    digits(value) -> decimals, the value rounded to that many decimals instead."""
    if x is None:
        return "n/a"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(xf):
        return "n/a"
    if digits is None:
        return NUMBER_FORMAT % xf
    d = digits(xf)
    text = f"{round(xf, d):.{max(d, 0)}f}"
    return "0" if float(text) == 0 else text


def fmt_round(x, u=None, sig=3):
    """A number for a sentence: sig significant digits, fewer where its uncertainty u (the
    half-width of its interval, or its spread) is larger, down to two significant digits
    of u (403.729 with u 40 is "404", with u 120 "400"; -0.0872217 is "-0.0872"); n/a when
    missing or not finite."""
    def digits(xf):
        if xf == 0:
            return 0
        d = sig - 1 - math.floor(math.log10(abs(xf)))
        if u is not None and math.isfinite(float(u)) and float(u) > 0:
            d = min(d, 1 - math.floor(math.log10(float(u))))
        return d
    return fmt(x, digits)


def is_binary(values):
    import numpy as np
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return len(v) > 0 and bool(np.isin(v, (0.0, 1.0)).all())
