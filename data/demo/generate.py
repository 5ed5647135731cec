"""Generate the cjmetrics demo data set (observations.csv, targets.csv, annotations.csv).

Run from anywhere:  python data/demo/generate.py

Deterministic: every random draw comes from a generator seeded by SEED plus a CRC32 of the
(area, indicator, ...) key it belongs to, so the output is byte-identical on every run and a change
to one series does not ripple into the others. Standard library + numpy only, no network.

Almost everything here is ILLUSTRATIVE (plausible magnitudes for Scottish council areas, not
official statistics) and carries source = ILLUSTRATIVE. The only real figures are the survey
responses and workshop attendances reported in the Criminal Justice Voluntary Sector Forum's
Strengthening Engagement Transition Project final report; those rows name the report as source.

Formats follow docs/CONVENTIONS.md: percents on a 0-100 scale with 1 decimal, counts as integers,
empty string for missing optional fields, partnership CJP-AYR = sum of the three Ayrshire councils
(percents recomputed from summed numerators and denominators).
"""

from __future__ import annotations

import csv
import sys
import zlib
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np

SEED = 20240331
OUT_DIR = Path(__file__).resolve().parent

ILLUSTRATIVE = "Illustrative demo data - not official statistics"
# Series whose Scotland figures are published and shipped in data/reference/ instead.
PUBLISHED_FOR_SCOTLAND = {"ndo1_diversion_assessments", "ndo1_diversion_commenced",
                          "ndo1_diversion_completed", "ndo3_bail_supervision_commenced",
                          "ndo4_community_sentences_completed", "ndo8_voluntary_throughcare",
                          "cjpf_reconviction_rate"}
SEED001 = ("Criminal Justice Voluntary Sector Forum: Strengthening Engagement Transition Project "
           "final report")

OBS_COLUMNS = ["indicator_id", "area_code", "period", "value", "numerator", "denominator",
               "lower", "upper", "breakdown", "note", "source"]
TARGET_COLUMNS = ["indicator_id", "area_code", "baseline_period", "baseline_value",
                  "target_period", "target_value", "note", "source"]
ANNOTATION_COLUMNS = ["indicator_id", "area_code", "period", "text", "source"]

# --- identifiers (docs/CONVENTIONS.md) -------------------------------------------------------

INDICATORS = [  # (indicator_id, unit, polarity) in catalogue order
    ("ndo1_diversion_assessments", "count", "higher"),
    ("ndo1_diversion_commenced", "count", "higher"),
    ("ndo1_diversion_completed", "count", "higher"),
    ("ndo2_custody_referrals", "count", "higher"),
    ("ndo3_bail_assessment_reports", "count", "higher"),
    ("ndo3_bail_supervision_commenced", "count", "higher"),
    ("ndo3_bail_supervision_completed", "count", "higher"),
    ("ndo4_community_sentences_completed", "percent", "higher"),
    ("ndo5_release_health_continuity", "percent", "higher"),
    ("ndo6_release_accommodation", "percent", "higher"),
    ("ndo7_employability_support", "count", "higher"),
    ("ndo8_voluntary_throughcare", "count", "higher"),
    ("ndo9_agree_community_sentence", "percent", "higher"),
    ("cjpf_reconviction_rate", "percent", "lower"),
    ("eng_social_reach", "count", "higher"),
    ("eng_social_engagements", "count", "higher"),
    ("eng_website_visits", "count", "higher"),
    ("eng_newsletter_opens", "count", "higher"),
    ("eng_newsletter_open_rate", "percent", "higher"),
    ("eng_newsletter_clicks", "count", "higher"),
    ("eng_media_coverage", "count", "higher"),
    ("eng_event_attendance", "count", "higher"),
    ("eng_survey_responses", "count", "higher"),
    ("eng_focus_group_participants", "count", "higher"),
]
UNIT = {i: u for i, u, _ in INDICATORS}
POLARITY = {i: p for i, _, p in INDICATORS}
IND_ORDER = {i: n for n, (i, _, _) in enumerate(INDICATORS)}

SCOTLAND = "S92000003"
GLASGOW = "S12000049"
EAST_AYR = "S12000008"
NORTH_AYR = "S12000021"
SOUTH_AYR = "S12000028"
WEST_DUN = "S12000039"
AYRSHIRE = "CJP-AYR"
AYRSHIRE_COUNCILS = (EAST_AYR, NORTH_AYR, SOUTH_AYR)
COUNCILS = (GLASGOW, EAST_AYR, NORTH_AYR, SOUTH_AYR, WEST_DUN)
TARGET_AREAS = (GLASGOW, AYRSHIRE, EAST_AYR, NORTH_AYR, SOUTH_AYR, WEST_DUN)
AREA_ORDER = {a: n for n, a in enumerate((GLASGOW, AYRSHIRE, EAST_AYR, NORTH_AYR, SOUTH_AYR,
                                          WEST_DUN, SCOTLAND))}

# Approximate populations (thousands) used only to scale illustrative magnitudes.
POP_K = {SCOTLAND: 5450, GLASGOW: 635, EAST_AYR: 122, NORTH_AYR: 134, SOUTH_AYR: 112, WEST_DUN: 88}
# Relative level of justice activity per head compared with Scotland (illustrative).
ACTIVITY = {SCOTLAND: 1.0, GLASGOW: 1.4, EAST_AYR: 1.1, NORTH_AYR: 1.15, SOUTH_AYR: 0.95,
            WEST_DUN: 1.2}

# --- periods ---------------------------------------------------------------------------------

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FY_STARTS = list(range(2019, 2025))  # 2019/20 .. 2024/25
BASE_FY, LATEST_FY, TARGET_FY = "2019/20", "2024/25", "2025/26"
BASE_MONTH, LATEST_MONTH, TARGET_MONTH = "Mar 2020", "Mar 2025", "Mar 2026"


def fy_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def month_label(year: int, month: int) -> str:
    return f"{MONTH_ABBR[month - 1]} {year}"


def fq_label(fy_start: int, quarter: int) -> str:
    return f"Q{quarter} {fy_label(fy_start)}"


MONTHS = [(2019 + (m + 3) // 12, (m + 3) % 12 + 1) for m in range(72)]  # Apr 2019 .. Mar 2025


def period_start(label: str) -> date:
    """Start date of a canonical label (FY, month or financial quarter), for sorting only."""
    if label.startswith("Q"):
        q, fy = label.split()
        start_year, qn = int(fy[:4]), int(q[1])
        month = 4 + 3 * (qn - 1)
        return date(start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    if "/" in label:
        return date(int(label[:4]), 4, 1)
    mon, year = label.split()
    return date(int(year), MONTH_ABBR.index(mon) + 1, 1)


def rng_for(*key: object) -> np.random.Generator:
    return np.random.default_rng([SEED] + [zlib.crc32(str(k).encode()) for k in key])


# --- observation store -----------------------------------------------------------------------

OBS: dict[tuple[str, str, str, str], dict] = {}


def add(indicator: str, area: str, period: str, value, *, numerator=None, denominator=None,
        lower=None, upper=None, breakdown: str = "", note: str = "",
        source: str = ILLUSTRATIVE) -> None:
    key = (indicator, area, period, breakdown)
    if key in OBS:
        raise AssertionError(f"duplicate observation key {key}")
    OBS[key] = dict(indicator_id=indicator, area_code=area, period=period, value=value,
                    numerator=numerator, denominator=denominator, lower=lower, upper=upper,
                    breakdown=breakdown, note=note, source=source)


def add_percent(indicator: str, area: str, period: str, numerator: int, denominator: int,
                **kw) -> None:
    numerator, denominator = int(numerator), int(denominator)
    value = round(100.0 * numerator / denominator, 1)
    add(indicator, area, period, value, numerator=numerator, denominator=denominator, **kw)


def value_of(indicator: str, area: str, period: str) -> float | None:
    """Total for a period: the total row, or the sum of breakdown rows (as the app does)."""
    total = OBS.get((indicator, area, period, ""))
    if total is not None:
        return total["value"]
    parts = [r["value"] for (i, a, p, b), r in OBS.items()
             if i == indicator and a == area and p == period and b]
    return sum(parts) if parts else None


TARGETS: list[dict] = []

# --- outcome indicators ----------------------------------------------------------------------

# Latest-year status engineered per council: G green, A amber, R red (vs the 2025/26 target).
SCENARIO = {
    GLASGOW: dict(ndo1="G", ndo2="G", ndo3="A", ndo4="G", ndo5="A", ndo6="R", ndo7="G",
                  ndo8="A", recon="G"),
    EAST_AYR: dict(ndo1="A", ndo2="G", ndo3="G", ndo4="A", ndo5="G", ndo6="R", ndo7="A",
                   ndo8="G", recon="A"),
    NORTH_AYR: dict(ndo1="G", ndo2="A", ndo3="G", ndo4="R", ndo5="A", ndo6="A", ndo7="G",
                    ndo8="R", recon="R"),
    SOUTH_AYR: dict(ndo1="A", ndo2="G", ndo3="A", ndo4="G", ndo5="R", ndo6="G", ndo7="A",
                    ndo8="G", recon="G"),
    WEST_DUN: dict(ndo1="R", ndo2="R", ndo3="A", ndo4="A", ndo5="G", ndo6="A", ndo7="R",
                   ndo8="A", recon="A"),
}
# Share-of-target bands the latest value is placed in (rag_green 1.0, rag_amber 0.9).
BAND_COUNT = {"G": (1.03, 1.08), "A": (0.93, 0.97), "R": (0.80, 0.86)}
BAND_PERCENT = {"G": (1.01, 1.04), "A": (0.935, 0.975), "R": (0.845, 0.875)}

# Headline count series: per-10k-population rate for Scotland 2019/20, Covid factors for
# 2020/21 and 2021/22, and Scotland's change to 2024/25.
COUNT_SERIES = {
    "ndo1": dict(ind="ndo1_diversion_completed", rate=3.4, covid=(0.62, 0.88), scot=1.12),
    "ndo2": dict(ind="ndo2_custody_referrals", rate=16.0, covid=(0.80, 0.94), scot=1.06),
    "ndo3": dict(ind="ndo3_bail_supervision_completed", rate=0.9, covid=(1.08, 1.15), scot=1.25),
    "ndo7": dict(ind="ndo7_employability_support", rate=6.0, covid=(0.60, 0.85), scot=1.05),
    "ndo8": dict(ind="ndo8_voluntary_throughcare", rate=2.5, covid=(0.85, 0.95), scot=1.03),
}
# Funnel ratios: commenced = completed / r_complete, assessments = commenced / r_commence.
FUNNEL = {
    "ndo1": (("ndo1_diversion_commenced", 0.76), ("ndo1_diversion_assessments", 0.66)),
    "ndo3": (("ndo3_bail_supervision_commenced", 0.62), ("ndo3_bail_assessment_reports", 0.48)),
}
# Headline percent series: denominator per 10k, Scotland baseline %, area offsets (pp),
# Covid adjustment to the denominator and to the percent in 2020/21, Scotland change (pp).
PERCENT_SERIES = {
    "ndo4": dict(ind="ndo4_community_sentences_completed", rate=28.0, pct=68.0,
                 offset={GLASGOW: -3.5, EAST_AYR: 1.5, NORTH_AYR: 0.5, SOUTH_AYR: 2.5,
                         WEST_DUN: -1.5},
                 covid_den=0.58, covid_pct=1.2, scot=1.4),
    "ndo5": dict(ind="ndo5_release_health_continuity", rate=10.0, pct=62.0,
                 offset={GLASGOW: -4.0, EAST_AYR: 2.0, NORTH_AYR: -1.0, SOUTH_AYR: 3.5,
                         WEST_DUN: -2.5},
                 covid_den=0.85, covid_pct=-2.5, scot=2.1),
    "ndo6": dict(ind="ndo6_release_accommodation", rate=20.0, pct=76.0,
                 offset={GLASGOW: -5.0, EAST_AYR: 1.0, NORTH_AYR: -0.5, SOUTH_AYR: 2.0,
                         WEST_DUN: -2.0},
                 covid_den=0.85, covid_pct=-3.0, scot=-1.2),
    "recon": dict(ind="cjpf_reconviction_rate", rate=55.0, pct=27.5,
                  offset={GLASGOW: 3.0, EAST_AYR: 0.5, NORTH_AYR: 1.5, SOUTH_AYR: -1.0,
                          WEST_DUN: 2.0},
                  covid_den=0.80, covid_pct=-1.8, scot=-1.0),
}


def interpolate_counts(base: float, latest: float, covid: tuple[float, float],
                       rng: np.random.Generator) -> list[float]:
    """Geometric path base -> latest over six years, Covid dip in years 1-2, noise in 1-4."""
    out = []
    for t in range(6):
        v = base * (latest / base) ** (t / 5)
        if t in (1, 2):
            v *= covid[t - 1]
        if 0 < t < 5:
            v *= rng.lognormal(0.0, 0.035)
        out.append(v)
    return out


def count_target(base: int, rng: np.random.Generator) -> int:
    return max(base + 1, int(round(base * rng.uniform(1.05, 1.10))))


def generate_outcomes() -> None:
    for key, spec in COUNT_SERIES.items():
        for area in (SCOTLAND,) + COUNCILS:
            rng = rng_for("count", key, area)
            base = int(round(POP_K[area] / 10 * spec["rate"] * ACTIVITY[area]
                             * rng.lognormal(0.0, 0.06)))
            if area == SCOTLAND:
                latest = base * spec["scot"]
                target = None
            else:
                target = count_target(base, rng)
                latest = target * rng.uniform(*BAND_COUNT[SCENARIO[area][key]])
            path = [base] + interpolate_counts(base, latest, spec["covid"], rng)[1:]
            completed = [max(0, int(round(v))) for v in path]
            for fy, v in zip(FY_STARTS, completed):
                add(spec["ind"], area, fy_label(fy), v)
            if target is not None:
                TARGETS.append(dict(indicator_id=spec["ind"], area_code=area, target=target))
            if key in FUNNEL:
                upper = completed
                for ind, ratio in FUNNEL[key]:
                    frng = rng_for("funnel", ind, area)
                    level = []
                    for fy, v in zip(FY_STARTS, upper):
                        r = min(0.97, ratio * frng.lognormal(0.0, 0.025))
                        level.append(max(v, int(round(v / r))))
                    for fy, v in zip(FY_STARTS, level):
                        add(ind, area, fy_label(fy), v)
                    upper = level

    for key, spec in PERCENT_SERIES.items():
        ind = spec["ind"]
        lower_better = POLARITY[ind] == "lower"
        for area in (SCOTLAND,) + COUNCILS:
            rng = rng_for("percent", key, area)
            den0 = POP_K[area] / 10 * spec["rate"] * ACTIVITY[area] * rng.lognormal(0.0, 0.05)
            growth = rng.uniform(-0.01, 0.02)
            dens = []
            for t in range(6):
                d = den0 * (1 + growth) ** t
                if t == 1:
                    d *= spec["covid_den"]
                elif t == 2:
                    d *= (1 + spec["covid_den"]) / 2
                if t > 0:
                    d *= rng.lognormal(0.0, 0.03)
                dens.append(max(1, int(round(d))))
            base_pct = spec["pct"] + spec["offset"].get(area, 0.0) + rng.normal(0.0, 0.4)
            base_num = int(round(dens[0] * base_pct / 100))
            base_val = round(100.0 * base_num / dens[0], 1)
            if area == SCOTLAND:
                target = None
                latest = base_val + spec["scot"]
            else:
                if lower_better:
                    target = round(base_val - rng.uniform(1.5, 2.5), 1)
                    latest = target / rng.uniform(*BAND_PERCENT[SCENARIO[area][key]])
                else:
                    target = min(100.0, round(base_val + rng.uniform(2.0, 4.0), 1))
                    latest = target * rng.uniform(*BAND_PERCENT[SCENARIO[area][key]])
                TARGETS.append(dict(indicator_id=ind, area_code=area, target=target))
            for t, fy in enumerate(FY_STARTS):
                if t == 0:
                    num = base_num
                else:
                    pct = base_val + (latest - base_val) * t / 5
                    if t == 1:
                        pct += spec["covid_pct"]
                    if t < 5:
                        pct += rng.normal(0.0, 0.25 if area == SCOTLAND else 0.6)
                    num = int(round(dens[t] * min(99.0, max(1.0, pct)) / 100))
                add_percent(ind, area, fy_label(fy), num, dens[t])

    # NDO 9: national survey only (no council figures are published). Illustrative values.
    rng = rng_for("ndo9")
    level = 63.6
    for label in ("2016/17", "2017/18", "2018/19", "2019/20", "2021/22", "2023/24"):
        level += rng.uniform(0.2, 1.1) if label != "2023/24" else -rng.uniform(0.3, 0.8)
        value = round(level + rng.normal(0.0, 0.3), 1)
        half = round(rng.uniform(1.5, 2.0), 1)
        add("ndo9_agree_community_sentence", SCOTLAND, label, value,
            lower=round(value - half, 1), upper=round(value + half, 1),
            note="National survey estimate; lower/upper = 95% confidence interval")
    TARGETS.append(dict(indicator_id="ndo9_agree_community_sentence", area_code=SCOTLAND,
                        target=70.0, note="Illustrative national ambition"))


# --- monthly engagement ----------------------------------------------------------------------

SEASON = {4: 0.95, 5: 1.0, 6: 1.0, 7: 0.84, 8: 0.84, 9: 1.0, 10: 1.08, 11: 1.15, 12: 0.86,
          1: 0.95, 2: 1.0, 3: 1.12}
CHANNELS = ("X/Twitter", "Facebook", "LinkedIn", "Instagram")
ENG_RATE = {"X/Twitter": 0.016, "Facebook": 0.042, "LinkedIn": 0.036, "Instagram": 0.055}

# Monthly reach at Apr 2019 per channel, annual growth, X/Twitter decline from Oct 2022,
# Instagram start month (None = no account), website, newsletter and media parameters.
ENG_AREAS = {
    GLASGOW: dict(reach={"X/Twitter": 21000, "Facebook": 9000, "LinkedIn": 2400, "Instagram": 2600},
                  growth={"Facebook": 0.11, "LinkedIn": 0.24, "Instagram": 0.28},
                  x_growth=0.09, x_decline=0.16, instagram=(2019, 4),
                  web=2600, web_growth=0.06, web_step=None,
                  recipients=1150, list_growth=0.08, open_rate=27.0, open_drift=0.3,
                  media=2.2),
    EAST_AYR: dict(reach={"X/Twitter": 5200, "Facebook": 4300, "LinkedIn": 650, "Instagram": 900},
                   growth={"Facebook": 0.07, "LinkedIn": 0.20, "Instagram": 0.30},
                   x_growth=0.06, x_decline=0.22, instagram=(2021, 1),
                   web=720, web_growth=0.03, web_step=None,
                   recipients=380, list_growth=0.05, open_rate=31.0, open_drift=-0.9,
                   media=0.8),
    NORTH_AYR: dict(reach={"X/Twitter": 6400, "Facebook": 5000, "LinkedIn": 760, "Instagram": 1300},
                    growth={"Facebook": 0.09, "LinkedIn": 0.22, "Instagram": 0.22},
                    x_growth=0.08, x_decline=0.18, instagram=(2019, 4),
                    web=820, web_growth=0.05, web_step=None,
                    recipients=420, list_growth=0.06, open_rate=29.0, open_drift=0.0,
                    media=1.0),
    SOUTH_AYR: dict(reach={"X/Twitter": 4800, "Facebook": 3900, "LinkedIn": 560, "Instagram": 1100},
                    growth={"Facebook": 0.05, "LinkedIn": 0.15, "Instagram": 0.25},
                    x_growth=0.05, x_decline=0.25, instagram=(2022, 9),
                    web=600, web_growth=0.02, web_step=(2022, 6, 1.45),
                    recipients=300, list_growth=0.04, open_rate=33.0, open_drift=-1.2,
                    media=0.7),
    WEST_DUN: dict(reach={"X/Twitter": 9000, "Facebook": 2500, "LinkedIn": 480},
                   growth={"Facebook": 0.05, "LinkedIn": 0.12},
                   x_growth=0.04, x_decline=0.15, instagram=None,
                   web=650, web_growth=-0.02, web_step=None,
                   recipients=350, list_growth=0.0, open_rate=30.0, open_drift=-1.3,
                   media=1.0),
}
APPLE_MPP = (2021, 9)  # Apple Mail Privacy Protection: recorded open rates jump from Sep 2021


def years_since_apr_2019(year: int, month: int) -> float:
    return ((year - 2019) * 12 + month - 4) / 12


def covid_online_boost(year: int, month: int) -> float:
    return 1.15 if (year, month) in ((2020, 4), (2020, 5), (2020, 6)) else 1.0


def generate_monthly() -> None:
    media_rows: dict[str, list[int]] = {}
    for area, p in ENG_AREAS.items():
        rng = rng_for("monthly", area)
        for year, month in MONTHS:
            label = month_label(year, month)
            t = years_since_apr_2019(year, month)
            s = SEASON[month] * covid_online_boost(year, month)
            # Social media, by channel (no total rows: the app totals breakdowns).
            for ch in CHANNELS:
                if ch not in p["reach"]:
                    continue
                if ch == "Instagram" and (year, month) < p["instagram"]:
                    continue
                if ch == "X/Twitter":
                    peak = 3.5
                    level = p["reach"][ch] * (1 + p["x_growth"]) ** min(t, peak)
                    if t > peak:
                        level *= (1 - p["x_decline"]) ** (t - peak)
                elif ch == "Instagram":
                    start = years_since_apr_2019(*p["instagram"])
                    level = p["reach"][ch] * (1 + p["growth"][ch]) ** (t - start)
                else:
                    level = p["reach"][ch] * (1 + p["growth"][ch]) ** t
                reach = max(0, int(round(level * s * rng.lognormal(0.0, 0.07))))
                eng = int(round(reach * ENG_RATE[ch] * rng.lognormal(0.0, 0.12)))
                add("eng_social_reach", area, label, reach, breakdown=f"channel:{ch}")
                add("eng_social_engagements", area, label, min(eng, reach),
                    breakdown=f"channel:{ch}")
            # Website.
            web = p["web"] * (1 + p["web_growth"]) ** t * s * rng.lognormal(0.0, 0.06)
            if p["web_step"] and (year, month) >= p["web_step"][:2]:
                web *= p["web_step"][2]
            add("eng_website_visits", area, label, int(round(web)))
            # Newsletter / e-bulletin (one issue a month).
            recipients = int(round(p["recipients"] * (1 + p["list_growth"]) ** t
                                   * rng.lognormal(0.0, 0.01)))
            rate = p["open_rate"] + p["open_drift"] * t + rng.normal(0.0, 1.3)
            if (year, month) >= APPLE_MPP:
                rate += 9.0
            opens = int(round(recipients * min(90.0, max(5.0, rate)) / 100))
            clicks = int(round(opens * rng.uniform(0.10, 0.18)))
            add("eng_newsletter_opens", area, label, opens)
            add_percent("eng_newsletter_open_rate", area, label, opens, recipients)
            add("eng_newsletter_clicks", area, label, clicks)
            # Media coverage: small counts.
            lam = p["media"] * (1.6 if month in (3, 11) else 1.0)
            media_rows.setdefault(area, []).append(int(min(6, rng.poisson(lam))))
    # Keep the Ayrshire partnership total within 0-6 too (trim the largest council figure).
    for n in range(len(MONTHS)):
        while sum(media_rows[a][n] for a in AYRSHIRE_COUNCILS) > 6:
            biggest = max(AYRSHIRE_COUNCILS, key=lambda a: (media_rows[a][n], a))
            media_rows[biggest][n] -= 1
    for area, values in media_rows.items():
        for (year, month), v in zip(MONTHS, values):
            add("eng_media_coverage", area, month_label(year, month), v)


# Events: (name, month, typical attendance relative to the area's conference).
EVENTS = (
    ("Unpaid Work Open Day", 6, 0.35),
    ("Recovery Walk stall", 9, 0.55),
    ("Community Justice Awareness Week stall", 11, 0.75),
    ("Third sector networking event", 2, 0.45),
    ("Partnership conference", 3, 1.0),
)
# Conference attendance in Mar 2020 and the Mar 2025 share of the Mar 2026 target
# (engineered status for the headline eng_event_attendance).
CONFERENCE = {GLASGOW: (150, "G"), EAST_AYR: (38, "A"), NORTH_AYR: (44, "G"),
              SOUTH_AYR: (34, "G"), WEST_DUN: (62, "R")}


def generate_events_and_focus_groups() -> None:
    for area, (base, status) in CONFERENCE.items():
        rng = rng_for("events", area)
        target = count_target(base, rng)
        latest = target * rng.uniform(*BAND_COUNT[status])
        TARGETS.append(dict(indicator_id="eng_event_attendance", area_code=area, target=target))
        for t, fy in enumerate(FY_STARTS):
            conf = base * (latest / base) ** (t / 5)
            if 0 < t < 5:
                conf *= rng.lognormal(0.0, 0.06)
            for name, month, rel in EVENTS:
                year = fy + 1 if month <= 3 else fy
                note = ""
                if name == "Partnership conference":
                    if t == 0:
                        value = base
                        note = "Held before the Covid-19 lockdown"
                    elif t == 1:
                        value = int(round(conf * 0.7))
                        note = "Held online"
                    else:
                        value = int(round(conf))
                else:
                    if fy == 2020:  # no in-person events in 2020/21
                        continue
                    if fy == 2021 and name in ("Unpaid Work Open Day", "Recovery Walk stall"):
                        continue
                    if rng.random() < 0.2:  # not every event runs every year
                        continue
                    value = int(round(conf * rel * rng.lognormal(0.0, 0.15)))
                    if fy == 2021 and name == "Third sector networking event":
                        note = "Held online"
                add("eng_event_attendance", area, month_label(year, month), max(1, value),
                    breakdown=f"event:{name}", note=note)

        frng = rng_for("focus", area)
        quarters = [(fy, q) for fy in (2022, 2023, 2024) for q in (1, 2, 3, 4)]
        chosen = sorted(frng.choice(len(quarters), size=int(frng.integers(3, 6)), replace=False))
        scale = 1.5 if area == GLASGOW else 1.0
        for idx in chosen:
            fy, q = quarters[int(idx)]
            add("eng_focus_group_participants", area, fq_label(fy, q),
                int(round(frng.integers(4, 12) * scale)))


# --- real figures from the CJVSF Strengthening Engagement Transition Project final report -----

SEED001_NOTE = ("Year not stated in the report; inferred: the workshops on Tuesday 23 February "
                "(Ayrshire) and Tuesday 19 April (Glasgow) fall on Tuesdays in 2016 and the "
                "surveys preceded them")


def generate_seed001() -> None:
    for area, survey, n in ((GLASGOW, "Statutory partner survey", 12),
                            (GLASGOW, "Third sector survey", 19),
                            (AYRSHIRE, "Statutory partner survey", 41),
                            (AYRSHIRE, "Third sector survey", 16),
                            (SCOTLAND, "National scoping survey", 21)):
        add("eng_survey_responses", area, "2015/16", n, breakdown=f"survey:{survey}",
            note=SEED001_NOTE, source=SEED001)
    add("eng_event_attendance", AYRSHIRE, "Feb 2016", 41,
        breakdown="event:Ayrshire Collaborative Workshop", source=SEED001,
        note="Held in Ayr on Tuesday 23 February; year inferred as 2016 (not stated in the report)")
    add("eng_event_attendance", GLASGOW, "Apr 2016", 50,
        breakdown="event:Glasgow Collaborative Workshop", source=SEED001,
        note="Held in Glasgow City Chambers on Tuesday 19 April; year inferred as 2016 "
             "(not stated in the report)")


# --- partnership aggregation -----------------------------------------------------------------

def aggregate_partnership() -> None:
    """CJP-AYR = sum of the three Ayrshire councils; percents recomputed from the sums."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for (ind, area, period, bd), row in OBS.items():
        if area in AYRSHIRE_COUNCILS and row["source"] == ILLUSTRATIVE:
            groups[(ind, period, bd)].append(row)
    for (ind, period, bd), rows in sorted(groups.items()):
        note = next((r["note"] for r in rows if r["note"]), "")
        if UNIT[ind] == "percent":
            add_percent(ind, AYRSHIRE, period, sum(r["numerator"] for r in rows),
                        sum(r["denominator"] for r in rows), breakdown=bd, note=note)
        else:
            add(ind, AYRSHIRE, period, sum(r["value"] for r in rows), breakdown=bd, note=note)


# --- targets ---------------------------------------------------------------------------------

HEADLINE = ["ndo1_diversion_completed", "ndo2_custody_referrals",
            "ndo3_bail_supervision_completed", "ndo4_community_sentences_completed",
            "ndo5_release_health_continuity", "ndo6_release_accommodation",
            "ndo7_employability_support", "ndo8_voluntary_throughcare", "cjpf_reconviction_rate",
            "eng_social_reach", "eng_website_visits", "eng_newsletter_open_rate",
            "eng_event_attendance"]
MONTHLY = {"eng_social_reach", "eng_website_visits", "eng_newsletter_open_rate",
           "eng_event_attendance"}


def build_targets() -> list[dict]:
    preset = {(t["indicator_id"], t["area_code"]): t for t in TARGETS}
    rows = []
    for ind in HEADLINE + ["ndo9_agree_community_sentence"]:
        areas = (SCOTLAND,) if ind == "ndo9_agree_community_sentence" else TARGET_AREAS
        for area in areas:
            monthly = ind in MONTHLY
            base_period = BASE_MONTH if monthly else BASE_FY
            base = value_of(ind, area, base_period)
            assert base is not None, (ind, area)
            t = preset.get((ind, area))
            if t is not None:
                target, note = t["target"], t.get("note", "")
            else:  # partnership and engagement targets: a modest improvement on the baseline
                rng = rng_for("target", ind, area)
                note = ""
                if UNIT[ind] == "percent":
                    target = (round(base - rng.uniform(1.5, 2.5), 1) if POLARITY[ind] == "lower"
                              else min(100.0, round(base + rng.uniform(2.0, 4.0), 1)))
                else:
                    lo, hi = (1.12, 1.20) if ind == "eng_social_reach" else (1.05, 1.12)
                    target = max(int(base) + 1, int(round(base * rng.uniform(lo, hi))))
            rows.append(dict(indicator_id=ind, area_code=area, baseline_period=base_period,
                             baseline_value=base, target_period=TARGET_MONTH if monthly
                             else TARGET_FY, target_value=target, note=note,
                             source=ILLUSTRATIVE))
    return rows


def rag(indicator: str, value: float, target: float, green: float = 1.0,
        amber: float = 0.9) -> str:
    share = target / value if POLARITY[indicator] == "lower" else value / target
    return "green" if share >= green else "amber" if share >= amber else "red"


# --- annotations -----------------------------------------------------------------------------

ANNOTATIONS = [
    ("ndo1_diversion_completed", GLASGOW, "2020/21",
     "Covid-19 restrictions: courts and services paused, fewer diversion cases completed"),
    ("ndo1_diversion_completed", NORTH_AYR, "2022/23",
     "New diversion referral pathway with COPFS agreed"),
    ("ndo3_bail_supervision_completed", AYRSHIRE, "2021/22",
     "Bail supervision expanded with additional funding to reduce remand"),
    ("ndo2_custody_referrals", WEST_DUN, "2023/24",
     "Custody link worker post vacant for six months"),
    ("ndo6_release_accommodation", EAST_AYR, "2023/24",
     "Housing pressures: fewer suitable tenancies available on release"),
    ("eng_newsletter_open_rate", AYRSHIRE, "Sep 2021",
     "Apple Mail Privacy Protection inflates recorded opens from here"),
    ("eng_social_reach", WEST_DUN, "Jan 2023",
     "Posting on X/Twitter scaled back; partners moving to Facebook and LinkedIn"),
    ("eng_website_visits", SOUTH_AYR, "Jun 2022", "New partnership website launched"),
    ("eng_event_attendance", GLASGOW, "Mar 2021", "Partnership conference held online"),
]


# --- output ----------------------------------------------------------------------------------

def fmt(value, unit: str) -> str:
    if value is None or value == "":
        return ""
    if unit == "percent":
        return f"{float(value):.1f}"
    return str(int(value))


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def check(targets: list[dict]) -> dict[str, int]:
    allowed = set(UNIT)
    areas = set(AREA_ORDER)
    for (ind, area, period, bd), r in OBS.items():
        assert ind in allowed and area in areas, (ind, area)
        assert r["value"] >= 0, (ind, area, period, bd)
        if UNIT[ind] == "percent":
            assert 0 <= r["value"] <= 100, (ind, area, period)
    for area in (SCOTLAND, AYRSHIRE) + COUNCILS:
        for fy in map(fy_label, FY_STARTS):
            for chain in (("ndo1_diversion_completed", "ndo1_diversion_commenced",
                           "ndo1_diversion_assessments"),
                          ("ndo3_bail_supervision_completed", "ndo3_bail_supervision_commenced",
                           "ndo3_bail_assessment_reports")):
                vals = [OBS[(i, area, fy, "")]["value"] for i in chain]
                assert vals[0] <= vals[1] <= vals[2], (area, fy, chain, vals)
    for (ind, area, period, bd), r in OBS.items():
        if ind == "eng_social_engagements":
            assert r["value"] <= OBS[("eng_social_reach", area, period, bd)]["value"]
        if ind == "eng_newsletter_clicks":
            assert r["value"] <= OBS[("eng_newsletter_opens", area, period, "")]["value"]
    statuses: dict[str, int] = defaultdict(int)
    for t in targets:
        if t["indicator_id"] == "ndo9_agree_community_sentence":
            continue
        latest = value_of(t["indicator_id"], t["area_code"],
                          LATEST_MONTH if t["indicator_id"] in MONTHLY else LATEST_FY)
        statuses[rag(t["indicator_id"], latest, t["target_value"])] += 1
    for want in ("green", "amber", "red"):
        assert statuses[want] > 0, statuses
    for ind, area, period, _ in ANNOTATIONS:
        assert value_of(ind, area, period) is not None, (ind, area, period)
    return dict(statuses)


def main() -> int:
    OBS.clear()
    TARGETS.clear()
    generate_outcomes()
    generate_monthly()
    generate_events_and_focus_groups()
    aggregate_partnership()
    generate_seed001()
    targets = build_targets()
    statuses = check(targets)

    # Scotland's published figures for these series ship as reference figures
    # (data/reference/), so the demo invents none for Scotland.
    obs_rows = [r for r in OBS.values()
                if not (r["area_code"] == SCOTLAND and r["indicator_id"] in PUBLISHED_FOR_SCOTLAND)]
    obs_rows = sorted(obs_rows, key=lambda r: (IND_ORDER[r["indicator_id"]],
                                                   AREA_ORDER[r["area_code"]],
                                                   period_start(r["period"]), r["breakdown"]))
    write_csv(OUT_DIR / "observations.csv", OBS_COLUMNS, [
        [r["indicator_id"], r["area_code"], r["period"], fmt(r["value"], UNIT[r["indicator_id"]]),
         fmt(r["numerator"], "count"), fmt(r["denominator"], "count"),
         fmt(r["lower"], "percent"), fmt(r["upper"], "percent"), r["breakdown"], r["note"],
         r["source"]] for r in obs_rows])
    write_csv(OUT_DIR / "targets.csv", TARGET_COLUMNS, [
        [t["indicator_id"], t["area_code"], t["baseline_period"],
         fmt(t["baseline_value"], UNIT[t["indicator_id"]]), t["target_period"],
         fmt(t["target_value"], UNIT[t["indicator_id"]]), t["note"], t["source"]]
        for t in targets])
    write_csv(OUT_DIR / "annotations.csv", ANNOTATION_COLUMNS,
              [[i, a, p, text, ILLUSTRATIVE] for i, a, p, text in ANNOTATIONS])
    print(f"observations: {len(obs_rows)} rows, targets: {len(targets)} rows, "
          f"annotations: {len(ANNOTATIONS)} rows; latest-vs-target status {statuses}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
