"""The demo panel: coverage and collections for the nation, 63 provinces and 696 districts, 2015–2025.

Real published figures are few; the app fills the rest with demo values that are marked "demo" everywhere. This
generator is deterministic (fixed seeds per unit) and:
- passes exactly through every published year-end figure for the nation and the provinces (rates as published;
  counts as published where the rate is not), so a demo value never contradicts a published one;
- makes districts add up to their province and provinces to the nation, exactly, every year;
- is plausible elsewhere: coverage rises with noise; poorer mountainous and more rural provinces lower, urban
  districts higher; the 2021 Covid drop in compulsory SI and UI comes from the published October 2021 figures;
  published 2025 figures about merged provinces (Hồ Chí Minh City with Bình Dương and Bà Rịa - Vũng Tàu) are met by
  the sum of their legacy provinces.
Voluntary SI: the published national figures rise through 2020–2021 (0.55 million in 2019, 1.1 in 2020, 1.17 in
2021), so the demo has no national dip there; its 2021 growth slows and its 2024 count falls, as published.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, logit

from lib import admin, denominators, reference
from lib.model import Dataset, normalise_observations

YEARS = list(denominators.YEARS)
DATASET = "demo"
SOURCE = "demo"
SEED = 20251

# Northern midlands and mountains, and the Central Highlands (GSO regions): poorer, more rural, lower coverage.
MOUNTAIN_PROVINCES = {"02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25", "62", "64",
                      "66", "67", "68"}

# Rates generated (per cent of their denominator). SI total is generated; compulsory = total - voluntary.
RATES = {
    "hi": ("hi_participants", "population", "hi_coverage_pct"),
    "si": ("si_participants", "labour_force", "si_coverage_pct"),
    "si_voluntary": ("si_voluntary_participants", "labour_force", "si_voluntary_coverage_pct"),
    "ui": ("ui_participants", "labour_force", "ui_coverage_pct"),
}
# How strongly each rate depends on a province's rural share and mountain region (logit points), and noise size.
EFFECTS = {
    "hi": dict(rural=-0.6, mountain=-0.25, unit_sd=0.30, year_sd=0.08, urban_district=0.35),
    "si": dict(rural=-2.2, mountain=-0.45, unit_sd=0.25, year_sd=0.04, urban_district=0.9),
    "si_voluntary": dict(rural=0.4, mountain=-0.3, unit_sd=0.45, year_sd=0.10, urban_district=-0.2),
    "ui": dict(rural=-2.4, mountain=-0.45, unit_sd=0.25, year_sd=0.04, urban_district=0.9),
}


def _rng(*parts) -> np.random.Generator:
    """A generator seeded by the unit and metric, so adding a unit never changes another unit's values."""
    return np.random.default_rng([SEED, zlib.crc32("|".join(map(str, parts)).encode())])


@dataclass
class Anchor:
    value: float  # rate in per cent
    exact: bool  # a published year-end figure (must be met exactly); else an intra-year figure used as a guide


# ---------------------------------------------------------------------------------------------------------------
# Inputs


@lru_cache(maxsize=1)
def _denominators() -> pd.DataFrame:
    """(unit, year) x {population, labour_force} for FY years."""
    obs = denominators.dataset().observations
    fy = obs[(obs["period"] == "FY")]
    return fy.pivot_table(index=["unit", "year"], columns="metric", values="value")


def _den(unit: str, year: int, which: str) -> float:
    return float(_denominators().at[(unit, year), which])


@lru_cache(maxsize=1)
def _published() -> pd.DataFrame:
    obs = reference.dataset().observations
    return obs[obs["rank"] == 0]


def anchors(unit: str, key: str) -> dict[int, Anchor]:
    """Published rates of one unit for one generated rate: year-end rate, else year-end count / denominator, else
    the latest figure from June on in a year with no year-end figure (a guide, not pinned)."""
    count_metric, den_metric, rate_metric = RATES[key]
    pub = _published()
    pub = pub[pub["unit"] == unit]
    out: dict[int, Anchor] = {}
    for year in YEARS:
        here = pub[pub["year"] == year]
        fy = here[here["period"] == "FY"]
        rate = fy.loc[fy["metric"] == rate_metric, "value"]
        count = _count(fy, key)
        if len(rate):
            out[year] = Anchor(float(rate.iloc[0]), True)
        elif count is not None:
            out[year] = Anchor(count / _den(unit, year, den_metric) * 100, True)
        else:
            later = here[(here["period"] != "FY") & ~here["period"].str.endswith("ytd")]
            later = later[later["period"].str[5:7].astype(int) >= 6] if len(later) else later
            guides = []
            for period, g in later.groupby("period"):
                r = g.loc[g["metric"] == rate_metric, "value"]
                c = _count(g, key)
                if len(r):
                    guides.append((period, float(r.iloc[0])))
                elif c is not None:
                    guides.append((period, c / _den(unit, year, den_metric) * 100))
            if guides:
                out[year] = Anchor(sorted(guides)[-1][1], False)
    return out


def _count(rows: pd.DataFrame, key: str) -> float | None:
    count_metric = RATES[key][0]
    c = rows.loc[rows["metric"] == count_metric, "value"]
    if len(c):
        return float(c.iloc[0])
    if key == "si":  # SI total from its published parts
        comp = rows.loc[rows["metric"] == "si_compulsory_participants", "value"]
        vol = rows.loc[rows["metric"] == "si_voluntary_participants", "value"]
        if len(comp) and len(vol):
            return float(comp.iloc[0] + vol.iloc[0])
    return None


def _path_through(anchor: dict[int, Anchor], default_slope: float) -> np.ndarray:
    """Logit-scale path over YEARS through the anchors: linear between them, trend-continued beyond them."""
    xs = sorted(anchor)
    ys = [logit(np.clip(anchor[x].value, 0.01, 99.9) / 100) for x in xs]
    path = np.interp(YEARS, xs, ys)
    slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0]) if len(xs) > 1 else default_slope
    slope = float(np.clip(slope, 0.0, 0.4))
    for i, y in enumerate(YEARS):
        if y < xs[0]:
            path[i] = ys[0] - slope * (xs[0] - y)
        elif y > xs[-1]:
            path[i] = ys[-1] + 0.7 * slope * (y - xs[-1])  # damped: the last known year is the best guide
    return path


# ---------------------------------------------------------------------------------------------------------------
# National, province, district


def national_rates() -> dict[str, np.ndarray]:
    """Per generated rate, the national path (per cent, by YEARS)."""
    return {key: expit(_path_through(anchors(admin.NATIONAL_ID, key), 0.1)) * 100 for key in RATES}


def _national_counts(rates: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """National counts: published year-end counts where they exist, else rate x denominator."""
    pub = _published()
    pub = pub[(pub["unit"] == admin.NATIONAL_ID) & (pub["period"] == "FY")]
    out = {}
    for key, (count_metric, den_metric, _) in RATES.items():
        counts = []
        for i, year in enumerate(YEARS):
            c = _count(pub[pub["year"] == year], key)
            counts.append(c if c is not None else rates[key][i] / 100 * _den(admin.NATIONAL_ID, year, den_metric))
        out[key] = np.array(counts)
    return out


@lru_cache(maxsize=1)
def _province_covariates() -> pd.DataFrame:
    census = denominators.census_provinces()
    rural = census["population_rural"] / census["population"]
    out = pd.DataFrame({"rural": rural - rural.mean()})
    out["mountain"] = [1.0 if uid.split(":")[1] in MOUNTAIN_PROVINCES else 0.0 for uid in out.index]
    return out


def _solve_shift(base_logit: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The common logit shift that makes sum(weights * expit(base + shift)) equal target."""
    if target <= 0:
        return -30.0
    total = weights.sum()
    if target >= total:
        return 30.0
    return brentq(lambda s: float((weights * expit(base_logit + s)).sum() - target), -30, 30, xtol=1e-12)


def province_rates(key: str, national: np.ndarray, national_count: np.ndarray) -> pd.DataFrame:
    """Rates (per cent) for the 63 provinces by YEARS, pinned to published figures, summing to the national count."""
    count_metric, den_metric, _ = RATES[key]
    cov = _province_covariates()
    eff = EFFECTS[key]
    provinces = list(cov.index)
    base = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    for uid in provinces:
        rng = _rng(uid, key)
        unit_effect = eff["rural"] * cov.at[uid, "rural"] * 4 + eff["mountain"] * cov.at[uid, "mountain"] \
            + rng.normal(0, eff["unit_sd"])
        noise = np.cumsum(rng.normal(0, eff["year_sd"], len(YEARS))) * 0.5
        base.loc[uid] = logit(national / 100) + unit_effect + noise
    # Published province figures: the province's deviation from the nation passes through them.
    pinned: dict[str, set[int]] = {}
    for uid in provinces:
        anchor = anchors(uid, key)
        if not anchor:
            continue
        nat_logit = logit(national / 100)
        dev = {y: logit(np.clip(a.value, 0.01, 99.9) / 100) - nat_logit[YEARS.index(y)] for y, a in anchor.items()}
        xs = sorted(dev)
        path = np.interp(YEARS, xs, [dev[x] for x in xs])
        base.loc[uid] = nat_logit + path
        pinned[uid] = {y for y, a in anchor.items() if a.exact}
    weights = pd.DataFrame({y: [_den(u, y, den_metric) for u in provinces] for y in YEARS}, index=provinces)
    groups = _merged_group_constraints(key)
    result = base.copy()
    for i, year in enumerate(YEARS):
        fixed = [u for u in provinces if year in pinned.get(u, set())]
        remaining = national_count[i] - sum(weights.at[u, year] * expit(result.at[u, year]) for u in fixed)
        for members, target in groups.get(year, []):
            free = [u for u in members if u not in fixed]
            if not free:
                continue
            need = target - sum(weights.at[u, year] * expit(result.at[u, year]) for u in members if u in fixed)
            shift = _solve_shift(result.loc[free, year].to_numpy(float), weights.loc[free, year].to_numpy(float),
                                 need)
            result.loc[free, year] = result.loc[free, year] + shift
            fixed = fixed + free
            remaining -= need
        free = [u for u in provinces if u not in fixed]
        shift = _solve_shift(result.loc[free, year].to_numpy(float), weights.loc[free, year].to_numpy(float),
                             remaining)
        result.loc[free, year] = result.loc[free, year] + shift
    return expit(result.astype(float)) * 100


def _merged_group_constraints(key: str) -> dict[int, list[tuple[list[str], float]]]:
    """Published year-end figures about a merged 2025 province: its legacy provinces must sum to them."""
    count_metric, den_metric, rate_metric = RATES[key]
    pub = _published()
    pub = pub[pub["unit"].str.startswith("province_2025:") & (pub["period"] == "FY")]
    units = admin.level_units("province")
    out: dict[int, list] = {}
    for (uid, year), g in pub.groupby(["unit", "year"]):
        if year not in YEARS:
            continue
        members = units.index[units["province_2025"] == uid].tolist()
        den = sum(_den(m, year, den_metric) for m in members)
        c = _count(g, key)
        r = g.loc[g["metric"] == rate_metric, "value"]
        if c is not None:
            out.setdefault(year, []).append((members, c))
        elif len(r):
            out.setdefault(year, []).append((members, float(r.iloc[0]) / 100 * den))
    return out


@lru_cache(maxsize=1)
def _district_covariates() -> pd.DataFrame:
    dist = denominators.census_districts()
    units = admin.units()
    urban = (dist["population_urban"] / dist["population"]).fillna(0)
    out = pd.DataFrame({"urban": urban, "parent": units.loc[dist.index, "parent"]})
    return out[dist["population"] > 0]


def district_counts(key: str, province_rate: pd.DataFrame) -> pd.DataFrame:
    """Counts for the districts of every province, by YEARS, summing exactly to the province count."""
    count_metric, den_metric, _ = RATES[key]
    cov = _district_covariates()
    eff = EFFECTS[key]
    frames = []
    for parent, kids in cov.groupby("parent"):
        members = kids.index.tolist()
        unit_effect = np.array([eff["urban_district"] * (kids.at[d, "urban"] - kids["urban"].mean()) * 2
                                + _rng(d, key).normal(0, eff["unit_sd"]) for d in members])
        rows = {}
        for year in YEARS:
            w = np.array([_den(d, year, den_metric) for d in members])
            target = province_rate.at[parent, year] / 100 * _den(parent, year, den_metric)
            noise = np.array([_rng(d, key, year).normal(0, eff["year_sd"]) for d in members])
            base = logit(province_rate.at[parent, year] / 100) + unit_effect + noise
            shift = _solve_shift(base, w, target)
            counts = w * expit(base + shift)
            counts *= target / counts.sum()  # exact sum despite the solver's tolerance
            rows[year] = np.minimum(counts, w)
        frames.append(pd.DataFrame(rows, index=members))
    return pd.concat(frames)


# ---------------------------------------------------------------------------------------------------------------
# Collections

MONTH_SHAPE = 1.25  # cumulative share of the year's collection by month m: (m / 12) ** shape, fitted to published


def _collections(si_comp: pd.DataFrame, national_comp: np.ndarray) -> list[tuple]:
    """Revenue, plan, arrears and receivables: FY for every unit, year to date by month for nation and provinces."""
    pub = _published()
    nat = pub[(pub["unit"] == admin.NATIONAL_ID) & (pub["period"] == "FY")]
    rev_anchor = {int(r.year): r.value for r in nat[nat["metric"] == "revenue_bn_vnd"].itertuples()}
    plan_anchor = {int(r.year): r.value for r in nat[nat["metric"] == "revenue_plan_pct"].itertuples()}
    # Revenue per compulsory participant (a wage index) through the published years, ~6 % a year beyond them.
    per_head = {y: rev_anchor[y] / national_comp[YEARS.index(y)] for y in rev_anchor}
    xs = sorted(per_head)
    growth = (per_head[xs[-1]] / per_head[xs[0]]) ** (1 / (xs[-1] - xs[0])) if len(xs) > 1 else 1.06
    wage = np.array([per_head[xs[0]] * growth ** (y - xs[0]) if y < xs[0] else
                     per_head[xs[-1]] * growth ** (y - xs[-1]) if y > xs[-1] else
                     np.exp(np.interp(y, xs, np.log([per_head[x] for x in xs]))) for y in YEARS])
    national_revenue = national_comp * wage
    rows = []
    units_prov = list(si_comp.index[si_comp.index.str.startswith("province:")])
    # Provinces: revenue share by compulsory participants x a wage level that is higher where compulsory SI is high.
    prov_rev = pd.DataFrame(index=units_prov, columns=YEARS, dtype=float)
    for i, year in enumerate(YEARS):
        comp = si_comp.loc[units_prov, year].astype(float)
        lf = np.array([_den(u, year, "labour_force") for u in units_prov])
        wage_level = (comp / lf / (national_comp[i] / _den(admin.NATIONAL_ID, year, "labour_force"))) ** 0.35
        raw = comp * wage_level * np.array([_rng(u, "wage").lognormal(0, 0.08) for u in units_prov])
        prov_rev[year] = raw / raw.sum() * national_revenue[i]
    prov_rev = _pin_revenue(prov_rev, national_revenue)
    all_rev = {admin.NATIONAL_ID: national_revenue, **{u: prov_rev.loc[u].to_numpy(float) for u in units_prov}}
    # Districts: share of their province's revenue by compulsory participants (urban districts pay higher wages).
    dist = si_comp.loc[si_comp.index.str.startswith("district:")]
    parents = admin.units().loc[dist.index, "parent"]
    for year_i, year in enumerate(YEARS):
        share = dist[year] / dist[year].groupby(parents).transform("sum")
        for d, s in share.items():
            all_rev.setdefault(d, np.zeros(len(YEARS)))[year_i] = prov_rev.at[parents[d], year] * s
    for uid, revenue in all_rev.items():
        rng = _rng(uid, "collections")
        for i, year in enumerate(YEARS):
            plan_pct = plan_anchor.get(year) if uid == admin.NATIONAL_ID else None
            if plan_pct is None:
                plan_pct = 100.5 + rng.normal(0, 1.6) - (2.5 if year in (2020, 2021) else 0)
            arrears_ratio = 4.2 + rng.normal(0, 0.8) + (1.3 if year in (2020, 2021) else 0)
            arrears_ratio = float(np.clip(arrears_ratio, 1.0, 12.0))
            rows += _collection_rows(uid, year, "FY", revenue[i], plan_pct, arrears_ratio)
            if not uid.startswith("district:"):
                shape = MONTH_SHAPE + rng.normal(0, 0.08)
                plan = revenue[i] / (plan_pct / 100)
                for month in range(1, 12):
                    ytd = plan * (plan_pct / 100) * (month / 12) ** shape
                    ratio = arrears_ratio * (1.25 - 0.25 * month / 12)
                    rows += _collection_rows(uid, year, f"{year}-{month:02d}", ytd, ytd / plan * 100, ratio, plan)
    return rows


def _pin_revenue(prov_rev: pd.DataFrame, national_revenue: np.ndarray) -> pd.DataFrame:
    """Published provincial revenue: year-end figures as published; year-to-date figures set the year's total
    through the monthly shape. Other provinces share the rest of the national total."""
    pub = _published()
    pub = pub[pub["unit"].str.startswith("province:") & (pub["metric"] == "revenue_bn_vnd")]
    out = prov_rev.copy()
    for i, year in enumerate(YEARS):
        fixed = {}
        for r in pub[pub["year"] == year].itertuples():
            if r.period == "FY":
                fixed[r.unit] = r.value
            elif not r.period.endswith("ytd") and r.unit not in fixed:
                fixed[r.unit] = r.value / (int(r.period[5:7]) / 12) ** MONTH_SHAPE
        if not fixed:
            continue
        free = [u for u in out.index if u not in fixed]
        for u, v in fixed.items():
            out.at[u, year] = v
        out.loc[free, year] = out.loc[free, year] / out.loc[free, year].sum() * (national_revenue[i] -
                                                                                  sum(fixed.values()))
    return out


def _collection_rows(uid, year, period, revenue, plan_pct, arrears_ratio, plan=None):
    plan = revenue / (plan_pct / 100) if plan is None else plan
    receivables = revenue / (1 - arrears_ratio / 100)
    arrears = receivables - revenue
    return [(uid, year, period, "revenue_bn_vnd", revenue), (uid, year, period, "revenue_plan_bn_vnd", plan),
            (uid, year, period, "arrears_bn_vnd", arrears), (uid, year, period, "receivables_bn_vnd", receivables)]


# ---------------------------------------------------------------------------------------------------------------


def generate() -> pd.DataFrame:
    """The whole demo panel as observations (status demo)."""
    nat_rates = national_rates()
    nat_counts = _national_counts(nat_rates)
    rows = []
    counts_by_key: dict[str, pd.DataFrame] = {}
    for key, (count_metric, den_metric, _) in RATES.items():
        prov = province_rates(key, nat_rates[key], nat_counts[key])
        prov_counts = pd.DataFrame({y: prov[y] / 100 * [_den(u, y, den_metric) for u in prov.index] for y in YEARS},
                                   index=prov.index)
        dist_counts = district_counts(key, prov)
        nat = pd.DataFrame([nat_counts[key]], index=[admin.NATIONAL_ID], columns=YEARS)
        counts_by_key[key] = pd.concat([nat, prov_counts, dist_counts])
    # UI cannot exceed compulsory SI (it covers employees); voluntary cannot exceed the SI total.
    si, vol, ui = counts_by_key["si"], counts_by_key["si_voluntary"], counts_by_key["ui"]
    vol = vol.where(vol <= 0.9 * si, 0.9 * si)
    comp = si - vol
    counts_by_key["si_voluntary"] = vol
    counts_by_key["si_compulsory"] = comp
    counts_by_key["ui"] = ui.where(ui <= comp, comp)
    metric_of = {"hi": "hi_participants", "si": "si_participants", "si_voluntary": "si_voluntary_participants",
                 "si_compulsory": "si_compulsory_participants", "ui": "ui_participants"}
    for key, frame in counts_by_key.items():
        for uid, values in frame.iterrows():
            for year in YEARS:
                rows.append((uid, year, "FY", metric_of[key], float(values[year])))
    rows += _collections(comp, comp.loc[admin.NATIONAL_ID].to_numpy(float))
    df = pd.DataFrame(rows, columns=["unit", "year", "period", "metric", "value"])
    df["value"] = df["value"].round(3)
    df["status"] = "demo"
    df["source"] = SOURCE
    df["note"] = ""
    df["dataset"] = DATASET
    return df


def dataset(frame: pd.DataFrame | None = None) -> Dataset:
    return Dataset(name=DATASET, origin="bundled", observations=normalise_observations(
        generate() if frame is None else frame), description="deterministic demo panel (lib/demo.py)")
