"""The demo panel: coverage and collections for the nation, 63 provinces and 696 districts, 2015–2025.

Real published figures are few; the app fills the rest with demo values that are marked "demo" everywhere. This
generator is deterministic (seeds per unit and metric) and:
- passes exactly through every published year-end figure for the nation and the provinces (the rate as published,
  or the count where only a count was published), so a demo value never replaces or contradicts a published one;
  a province with published figures follows them in every year (its gap to the national rate is interpolated
  between them and held beyond them); published 2025 figures about a merged province (Hồ Chí Minh City with Bình
  Dương and Bà Rịa - Vũng Tàu) are met by the sum of its legacy provinces;
- makes districts add up to their province and provinces to the nation, exactly, for every count and amount;
- is plausible elsewhere: coverage rises with noise; poorer mountainous and more rural provinces are lower and urban
  districts higher; UI stays below compulsory SI (it covers employees only);
- years without a year-end figure follow the logit-linear path between the published years; intra-year figures
  only extend the path beyond the last published year (e.g. SI and UI in March 2025);
- 2021 (Covid): compulsory SI and UI dip below that path where no 2021 year-end figure is published (published:
  SI participants 14.3 million in October 2021 against 16.1 million at the end of 2020); voluntary SI slows (1.10
  million at the end of 2020, 1.17 million during 2021) but does not fall. The nation now has published year-end
  2021 figures (16.5 million SI, 1.45 million voluntary, 13.4 million UI: data/reference/additions.csv), which it
  passes through like any other year-end figure.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, logit

from lib import admin
from lib.bundled import denominators
from lib.bundled import reference

YEARS = list(denominators.YEARS)
DATASET = "demo"
SOURCE = "demo"
SEED = 20251

# Northern midlands and mountains, and the Central Highlands (GSO regions): poorer, more rural, lower coverage.
MOUNTAIN_PROVINCES = {"02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25", "62", "64",
                      "66", "67", "68"}

# Generated rates: (count metric, denominator, published rate metric or None).
RATES = {
    "hi": ("hi_participants", "population", "hi_coverage_pct"),
    "si_voluntary": ("si_voluntary_participants", "labour_force", "si_voluntary_coverage_pct"),
    "si_compulsory": ("si_compulsory_participants", "labour_force", "si_compulsory_coverage_pct"),
    "ui": ("ui_participants", "labour_force", "ui_coverage_pct"),
}
# Logit-scale effects: of a province's rural share (difference from the mean share), of the mountain regions, of a
# district's urban share within its province; spread of the unit effect and of the yearly noise; 2021 Covid shift.
EFFECTS = {
    "hi": dict(rural=-0.8, mountain=-0.3, urban=0.5, unit_sd=0.25, year_sd=0.06, covid=0.0),
    "si_voluntary": dict(rural=0.5, mountain=-0.2, urban=-0.3, unit_sd=0.3, year_sd=0.08, covid=-0.12),
    "si_compulsory": dict(rural=-2.0, mountain=-1.3, urban=1.2, unit_sd=0.25, year_sd=0.04, covid=-0.15),
    "ui": dict(rural=-0.5, mountain=-0.2, urban=0.2, unit_sd=0.15, year_sd=0.03, covid=-0.15),
}
COVID_YEAR = 2021


def _rng(*parts) -> np.random.Generator:
    """A generator seeded by unit and metric, so adding a unit or a metric never changes another's values."""
    return np.random.default_rng([SEED, zlib.crc32("|".join(map(str, parts)).encode())])


@dataclass
class Anchor:
    value: float  # rate, per cent
    exact: bool  # a published year-end figure (met exactly); False: an intra-year figure used to extend the path


# ---------------------------------------------------------------------------------------------------------------
# Inputs


@lru_cache(maxsize=1)
def _denominators() -> pd.DataFrame:
    obs = denominators.dataset().observations
    return obs[obs["period"] == "FY"].pivot_table(index=["unit", "year"], columns="metric", values="value")


def _den(unit: str, year: int, which: str) -> float:
    return float(_denominators().at[(unit, year), which])


def _dens(units, year: int, which: str) -> np.ndarray:
    d = _denominators()[which]
    return np.array([d.at[(u, year)] for u in units], dtype=float)


@lru_cache(maxsize=1)
def _published() -> pd.DataFrame:
    obs = reference.dataset().observations
    return obs[obs["rank"] == 0]


def _published_count(rows: pd.DataFrame, key: str, voluntary: float | None = None) -> float | None:
    """A published count for the generated rate; compulsory SI also from total - voluntary."""
    metric = RATES[key][0]
    c = rows.loc[rows["metric"] == metric, "value"]
    if len(c):
        return float(c.iloc[0])
    if key == "si_compulsory":
        total = rows.loc[rows["metric"] == "si_participants", "value"]
        vol = rows.loc[rows["metric"] == "si_voluntary_participants", "value"]
        if len(total):
            v = float(vol.iloc[0]) if len(vol) else voluntary
            if v is not None:
                return float(total.iloc[0]) - v
    return None


def anchors(unit: str, key: str, voluntary_rate: dict[int, float] | None = None) -> dict[int, Anchor]:
    """Published figures of one unit as rates: the year-end rate, else the year-end count over the denominator.
    After the last year-end figure, the latest intra-year figure of a later year extends the path.
    Compulsory SI comes from published total SI minus voluntary (published, else the voluntary path)."""
    count_metric, den_metric, rate_metric = RATES[key]
    pub = _published()
    pub = pub[pub["unit"] == unit]
    out: dict[int, Anchor] = {}
    for year in YEARS:
        fy = pub[(pub["year"] == year) & (pub["period"] == "FY")]
        vol = None
        if voluntary_rate is not None and year in voluntary_rate:
            vol = voluntary_rate[year] / 100 * _den(unit, year, "labour_force")
        rate = fy.loc[fy["metric"] == rate_metric, "value"]
        count = _published_count(fy, key, vol)
        if key == "si_compulsory" and count is not None:  # parts must add up to a published total count
            out[year] = Anchor(count / _den(unit, year, den_metric) * 100, True)
        elif len(rate):
            out[year] = Anchor(float(rate.iloc[0]), True)
        elif key == "si_compulsory" and len(fy.loc[fy["metric"] == "si_coverage_pct"]) and vol is not None:
            total_rate = float(fy.loc[fy["metric"] == "si_coverage_pct", "value"].iloc[0])
            vol_pub = _published_count(fy, "si_voluntary")
            vol_rate = (vol_pub / _den(unit, year, "labour_force") * 100) if vol_pub else voluntary_rate[year]
            out[year] = Anchor(total_rate - vol_rate, True)
        elif count is not None:
            out[year] = Anchor(count / _den(unit, year, den_metric) * 100, True)
    # Beyond the last year-end figure, only the newest intra-year figure extends the path (earlier months of a
    # year run below its end: March 2024 is below December 2023).
    last = max(out) if out else YEARS[0] - 1
    for year in sorted(YEARS, reverse=True):
        if year <= last:
            break
        later = pub[(pub["year"] == year) & (pub["period"].str.match(r"^\d{4}-\d{2}$"))]
        guides = []
        for period, g in later.groupby("period"):
            vol = None
            if voluntary_rate is not None and year in voluntary_rate:
                vol = voluntary_rate[year] / 100 * _den(unit, year, "labour_force")
            r = g.loc[g["metric"] == rate_metric, "value"]
            c = _published_count(g, key, vol)
            if len(r):
                guides.append((period, float(r.iloc[0])))
            elif c is not None:
                guides.append((period, c / _den(unit, year, den_metric) * 100))
        if guides:
            out[year] = Anchor(sorted(guides)[-1][1], False)
            break
    return out


def _logit_pct(x) -> np.ndarray:
    return logit(np.clip(np.asarray(x, dtype=float), 0.01, 99.9) / 100)


def _path(anchor: dict[int, Anchor], covid: float) -> np.ndarray:
    """Logit path over YEARS: linear between anchors, the Covid shift in 2021 unless 2021 is itself published,
    continued with a damped trend before and after the anchors."""
    xs = sorted(anchor)
    ys = list(_logit_pct([anchor[x].value for x in xs]))
    path = np.interp(YEARS, xs, ys)
    slope = float(np.clip((ys[-1] - ys[0]) / (xs[-1] - xs[0]), 0.0, 0.4)) if len(xs) > 1 else 0.05
    for i, y in enumerate(YEARS):
        if y < xs[0]:
            path[i] = ys[0] - slope * (xs[0] - y)
        elif y > xs[-1]:
            path[i] = ys[-1] + 0.7 * slope * (y - xs[-1])
    if COVID_YEAR not in anchor:
        path[YEARS.index(COVID_YEAR)] += covid
    return path


def _solve_shift(base_logit: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The common logit shift that makes sum(weights * expit(base + shift)) equal target."""
    if target <= 0:
        return -30.0
    if target >= weights.sum():
        return 30.0
    return brentq(lambda s: float((weights * expit(base_logit + s)).sum() - target), -30, 30, xtol=1e-12)


# ---------------------------------------------------------------------------------------------------------------
# Rates and counts by level


@lru_cache(maxsize=1)
def _province_covariates() -> pd.DataFrame:
    census = denominators.census_provinces()
    rural = census["population_rural"] / census["population"]
    out = pd.DataFrame({"rural": rural - rural.mean()})
    out["mountain"] = [1.0 if uid.split(":")[1] in MOUNTAIN_PROVINCES else 0.0 for uid in out.index]
    return out


@dataclass
class Level:
    """Counts of one generated rate for the nation and the provinces, by YEARS (columns)."""

    national: np.ndarray
    provinces: pd.DataFrame


def national_counts(key: str, voluntary: dict[int, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rate path in per cent, counts) for the nation: counts as published where they are, else rate x denominator."""
    den_metric = RATES[key][1]
    anchor = anchors(admin.NATIONAL_ID, key, voluntary)
    rates = expit(_path(anchor, EFFECTS[key]["covid"])) * 100
    pub = _published()
    pub = pub[(pub["unit"] == admin.NATIONAL_ID) & (pub["period"] == "FY")]
    counts = []
    for i, year in enumerate(YEARS):
        vol = voluntary[year] / 100 * _den(admin.NATIONAL_ID, year, "labour_force") if voluntary else None
        c = _published_count(pub[pub["year"] == year], key, vol)
        counts.append(c if c is not None else rates[i] / 100 * _den(admin.NATIONAL_ID, year, den_metric))
    return rates, np.array(counts)


def province_logits(key: str, national_rate: np.ndarray, voluntary: dict | None = None,
                    parent_rate: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, set[int]]]:
    """Each province's logit path before calibration, and the provinces with published figures (fixed)."""
    cov = _province_covariates()
    eff = EFFECTS[key]
    nat = _logit_pct(national_rate)
    paths, fixed = {}, {}
    for uid in cov.index:
        rng = _rng(uid, key)
        unit_effect = eff["rural"] * cov.at[uid, "rural"] + eff["mountain"] * cov.at[uid, "mountain"] \
            + rng.normal(0, eff["unit_sd"])
        noise = np.cumsum(rng.normal(0, eff["year_sd"], len(YEARS))) * 0.6
        paths[uid] = nat + unit_effect + noise
        anchor = anchors(uid, key, (voluntary or {}).get(uid))
        exact = {y: a for y, a in anchor.items() if a.exact}
        if exact:
            xs = sorted(exact)
            dev = np.interp(YEARS, xs, [_logit_pct(exact[x].value) - nat[YEARS.index(x)] for x in xs])
            paths[uid] = nat + dev
            fixed[uid] = set(exact)
    return pd.DataFrame(paths, index=YEARS).T, fixed


def calibrate_provinces(key: str, logits: pd.DataFrame, fixed: dict[str, set[int]], national_count: np.ndarray,
                        den_metric: str) -> pd.DataFrame:
    """Counts by province that sum to the national count: provinces with published figures keep their path;
    merged-2025 groups are met; the others share one logit shift per year."""
    provinces = list(logits.index)
    groups = _merged_group_constraints(key)
    logits = logits.copy()
    # A merged group's 2025 figure shifts its free members' whole path, so their history leads up to it.
    for year, constraints in groups.items():
        for members, target in constraints:
            free = [u for u in members if u not in fixed]
            if not free:
                continue
            w = _dens(free, year, den_metric)
            need = target - sum(_den(u, year, den_metric) * expit(logits.at[u, year]) for u in members if u in fixed)
            shift = _solve_shift(logits.loc[free, year].to_numpy(float), w, need)
            logits.loc[free] = logits.loc[free] + shift
            for u in free:
                fixed[u] = fixed.get(u, set()) | {year}
    counts = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    anchored = [u for u in provinces if u in fixed]
    free = [u for u in provinces if u not in fixed]
    for year in YEARS:
        w_fixed = _dens(anchored, year, den_metric)
        fixed_counts = w_fixed * expit(logits.loc[anchored, year].to_numpy(float))
        w_free = _dens(free, year, den_metric)
        shift = _solve_shift(logits.loc[free, year].to_numpy(float), w_free, national_count[YEARS.index(year)]
                             - fixed_counts.sum())
        counts.loc[anchored, year] = fixed_counts
        counts.loc[free, year] = w_free * expit(logits.loc[free, year].to_numpy(float) + shift)
    return counts


def _merged_group_constraints(key: str) -> dict[int, list[tuple[list[str], float]]]:
    """Published year-end figures about a merged 2025 province: its legacy provinces must add up to them."""
    count_metric, den_metric, rate_metric = RATES[key]
    pub = _published()
    pub = pub[pub["unit"].str.startswith("province_2025:") & (pub["period"] == "FY")]
    units = admin.level_units("province")
    out: dict[int, list] = {}
    for (uid, year), g in pub.groupby(["unit", "year"]):
        if year not in YEARS:
            continue
        members = units.index[units["province_2025"] == uid].tolist()
        if len(members) < 2:
            continue
        c = _published_count(g, key)
        r = g.loc[g["metric"] == rate_metric, "value"]
        if c is not None:
            out.setdefault(year, []).append((members, c))
        elif len(r):
            out.setdefault(year, []).append((members, float(r.iloc[0]) / 100 * sum(_den(m, year, den_metric)
                                                                                      for m in members)))
    return out


@lru_cache(maxsize=1)
def _district_covariates() -> pd.DataFrame:
    dist = denominators.census_districts()
    dist = dist[dist["population"] > 0]
    units = admin.units()
    out = pd.DataFrame({"urban": dist["population_urban"] / dist["population"],
                        "parent": units.loc[dist.index, "parent"]})
    out["urban"] = out["urban"] - out.groupby("parent")["urban"].transform("mean")
    return out


def district_counts(key: str, province_counts: pd.DataFrame) -> pd.DataFrame:
    """Counts for every district, by YEARS, adding up exactly to their province's count."""
    den_metric = RATES[key][1]
    cov = _district_covariates()
    eff = EFFECTS[key]
    frames = []
    for parent, kids in cov.groupby("parent"):
        members = kids.index.tolist()
        effect = np.array([eff["urban"] * kids.at[d, "urban"] + _rng(d, key).normal(0, eff["unit_sd"])
                           for d in members])
        noise = {d: np.cumsum(_rng(d, key, "years").normal(0, eff["year_sd"], len(YEARS))) * 0.6 for d in members}
        rows = {}
        for i, year in enumerate(YEARS):
            w = _dens(members, year, den_metric)
            target = float(province_counts.at[parent, year])
            rate = target / w.sum()
            base = _logit_pct(rate * 100) + effect + np.array([noise[d][i] for d in members])
            counts = w * expit(base + _solve_shift(base, w, target))
            rows[year] = counts * (target / counts.sum())
        frames.append(pd.DataFrame(rows, index=members))
    return pd.concat(frames)


def _ui_counts(comp: pd.DataFrame, nat_ui: np.ndarray) -> pd.DataFrame:
    """UI as a share of compulsory SI (below 1 by construction), calibrated to published UI figures."""
    provinces = [u for u in comp.index if u.startswith("province:")]
    cov = _province_covariates()
    nat_ratio = nat_ui / comp.loc[admin.NATIONAL_ID].to_numpy(float)
    logits, fixed = {}, {}
    for uid in provinces:
        eff = EFFECTS["ui"]
        rng = _rng(uid, "ui")
        effect = eff["rural"] * cov.at[uid, "rural"] + eff["mountain"] * cov.at[uid, "mountain"] \
            + rng.normal(0, eff["unit_sd"])
        logits[uid] = logit(np.clip(nat_ratio, 0.01, 0.99)) + effect \
            + np.cumsum(rng.normal(0, eff["year_sd"], len(YEARS))) * 0.6
        exact = {y: a for y, a in anchors(uid, "ui").items() if a.exact}
        if exact:
            ratios = {}
            for y, a in exact.items():
                r = a.value / 100 * _den(uid, y, "labour_force") / comp.at[uid, y]
                ratios[y] = logit(np.clip(r, 0.01, 0.995)) - logit(np.clip(nat_ratio[YEARS.index(y)], 0.01, 0.99))
            xs = sorted(ratios)
            logits[uid] = logit(np.clip(nat_ratio, 0.01, 0.99)) + np.interp(YEARS, xs, [ratios[x] for x in xs])
            fixed[uid] = set(exact)
    logits = pd.DataFrame(logits, index=YEARS).T
    out = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    anchored = [u for u in provinces if u in fixed]
    free = [u for u in provinces if u not in fixed]
    for i, year in enumerate(YEARS):
        w_a = comp.loc[anchored, year].to_numpy(float)
        fixed_counts = w_a * expit(logits.loc[anchored, year].to_numpy(float))
        w_f = comp.loc[free, year].to_numpy(float)
        shift = _solve_shift(logits.loc[free, year].to_numpy(float), w_f, nat_ui[i] - fixed_counts.sum())
        out.loc[anchored, year] = fixed_counts
        out.loc[free, year] = w_f * expit(logits.loc[free, year].to_numpy(float) + shift)
    # Districts: their province's UI shared by their compulsory SI, with a little noise.
    districts = [u for u in comp.index if u.startswith("district:")]
    parents = admin.units().loc[districts, "parent"]
    noise = pd.Series([_rng(d, "ui").normal(0, 0.01) for d in districts], index=districts)
    rows = {}
    for year in YEARS:
        parts = []
        for parent, kids in parents.groupby(parents):
            members = kids.index
            parts.append(capped_allocation(float(out.at[parent, year]),
                                           comp.loc[members, year] * (1 + noise[members]),
                                           comp.loc[members, year]))
        rows[year] = pd.concat(parts)
    return pd.concat([pd.DataFrame([nat_ui], index=[admin.NATIONAL_ID], columns=YEARS), out,
                      pd.DataFrame(rows)])


def capped_allocation(total: float, weights: pd.Series, caps: pd.Series) -> pd.Series:
    """Share `total` by `weights` without any part above its cap; what a capped part cannot take goes to the others."""
    out = pd.Series(0.0, index=weights.index)
    open_ = weights.index
    remaining = total
    for _ in range(len(weights)):
        share = weights[open_] / weights[open_].sum() * remaining
        over = share > caps[open_]
        if not over.any():
            out[open_] = share
            break
        capped = share.index[over]
        out[capped] = caps[capped]
        remaining -= float(caps[capped].sum())
        open_ = open_.difference(capped)
    return out


def coverage_counts() -> dict[str, pd.DataFrame]:
    """Counts (index: unit id; columns: YEARS) for HI, voluntary, compulsory and total SI, and UI."""
    out = {}
    vol_rates: dict[str, dict[int, float]] = {}
    for key in ("hi", "si_voluntary", "si_compulsory"):
        den_metric = RATES[key][1]
        voluntary = None
        if key == "si_compulsory":
            voluntary = vol_rates
        nat_rate, nat_count = national_counts(key, voluntary.get(admin.NATIONAL_ID) if voluntary else None)
        logits, fixed = province_logits(key, nat_rate, voluntary)
        prov = calibrate_provinces(key, logits, fixed, nat_count, den_metric)
        dist = district_counts(key, prov)
        frame = pd.concat([pd.DataFrame([nat_count], index=[admin.NATIONAL_ID], columns=YEARS), prov, dist])
        out[key] = frame
        if key == "si_voluntary":
            for uid in [admin.NATIONAL_ID] + list(prov.index):
                vol_rates[uid] = {y: frame.at[uid, y] / _den(uid, y, "labour_force") * 100 for y in YEARS}
    _, nat_ui = national_counts("ui")
    out["ui"] = _ui_counts(out["si_compulsory"], nat_ui)
    out["si"] = out["si_compulsory"] + out["si_voluntary"]
    return out


# ---------------------------------------------------------------------------------------------------------------
# Collections

MONTH_SHAPE = 1.25  # cumulative share of a year's collection by month m: (m / 12) ** shape (fits published YTD)


def _revenue(comp: pd.DataFrame) -> pd.DataFrame:
    """Revenue (billion VND) for every unit and year: the nation through its published years, provinces by
    compulsory participants x a wage level, published provincial figures kept, districts by their participants."""
    pub = _published()
    nat = pub[(pub["unit"] == admin.NATIONAL_ID) & (pub["period"] == "FY")]
    anchor = {int(r.year): r.value for r in nat[nat["metric"] == "revenue_bn_vnd"].itertuples()}
    nat_comp = comp.loc[admin.NATIONAL_ID].to_numpy(float)
    per_head = {y: anchor[y] / nat_comp[YEARS.index(y)] for y in anchor}
    xs = sorted(per_head)
    growth = (per_head[xs[-1]] / per_head[xs[0]]) ** (1 / (xs[-1] - xs[0]))
    wage = np.array([per_head[xs[0]] * growth ** (y - xs[0]) if y < xs[0] else
                     per_head[xs[-1]] * growth ** (y - xs[-1]) if y > xs[-1] else
                     np.exp(np.interp(y, xs, np.log([per_head[x] for x in xs]))) for y in YEARS])
    national = nat_comp * wage
    provinces = [u for u in comp.index if u.startswith("province:")]
    prov = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    for i, year in enumerate(YEARS):
        c = comp.loc[provinces, year].astype(float)
        rate = c / _dens(provinces, year, "labour_force")
        level = (rate / (nat_comp[i] / _den(admin.NATIONAL_ID, year, "labour_force"))) ** 0.35
        raw = c * level * np.array([_rng(u, "wage").lognormal(0, 0.08) for u in provinces])
        prov[year] = raw / raw.sum() * national[i]
    prov = _pin_revenue(prov, national)
    districts = [u for u in comp.index if u.startswith("district:")]
    parents = admin.units().loc[districts, "parent"]
    share = comp.loc[districts].div(comp.loc[districts].groupby(parents).transform("sum"))
    dist = share.mul(prov.loc[parents.to_numpy()].set_axis(districts))
    return pd.concat([pd.DataFrame([national], index=[admin.NATIONAL_ID], columns=YEARS), prov, dist])


def _pin_revenue(prov: pd.DataFrame, national: np.ndarray) -> pd.DataFrame:
    """Published provincial revenue: year-end figures as published; a year-to-date figure sets the year's total
    through the monthly shape. The other provinces share the rest of the national total."""
    pub = _published()
    pub = pub[pub["unit"].str.startswith("province:") & (pub["metric"] == "revenue_bn_vnd")]
    out = prov.copy()
    for i, year in enumerate(YEARS):
        fixed = {}
        rows = pub[pub["year"] == year].sort_values("period")
        for r in rows.itertuples():
            if r.period == "FY":
                fixed[r.unit] = r.value
            elif not r.period.endswith("ytd") and r.unit not in fixed:
                fixed[r.unit] = r.value / (int(r.period[5:7]) / 12) ** MONTH_SHAPE
        for pin in _monthly_pins(year):
            if pin.get("revenue") is None or len(pin["members"]) < 2:
                continue
            total = pin["revenue"] / (pin["month"] / 12) ** MONTH_SHAPE
            members = pin["members"]
            weights = out.loc[members, year] / out.loc[members, year].sum()
            fixed.update({u: float(total * w) for u, w in weights.items()})
        if fixed:
            free = [u for u in out.index if u not in fixed]
            for u, v in fixed.items():
                out.at[u, year] = v
            out.loc[free, year] = out.loc[free, year] / out.loc[free, year].sum() * (national[i] - sum(fixed.values()))
    return out


@lru_cache(maxsize=None)
def _monthly_pins_all() -> dict[int, list[dict]]:
    """Published in-year collections of a province (or of a merged 2025 province, met by its legacy members):
    year -> [{members, month, revenue, plan_pct, arrears}] (the latest month per unit and year)."""
    pub = _published()
    pub = pub[pub["metric"].isin(["revenue_bn_vnd", "revenue_plan_pct", "arrears_bn_vnd"]) &
              pub["period"].str.match(r"^\d{4}-\d{2}$") & pub["unit"].str.startswith("province")]
    legacy = admin.level_units("province")
    out: dict[int, list[dict]] = {}
    for (unit, year), g in pub.groupby(["unit", "year"]):
        month = int(g["period"].max()[5:7])
        g = g[g["period"].str[5:7].astype(int) == month].set_index("metric")["value"]
        members = [unit] if unit.startswith("province:") else \
            legacy.index[legacy["province_2025"] == unit].tolist()
        out.setdefault(int(year), []).append(dict(
            members=members, month=month, revenue=g.get("revenue_bn_vnd"), plan_pct=g.get("revenue_plan_pct"),
            arrears=g.get("arrears_bn_vnd")))
    return out


def _monthly_pins(year: int) -> list[dict]:
    return _monthly_pins_all().get(year, [])


def _published_plan_pct() -> dict[tuple[str, int], float]:
    pub = _published()
    sel = pub[(pub["metric"] == "revenue_plan_pct") & (pub["period"] == "FY")]
    return {(r.unit, int(r.year)): r.value for r in sel.itertuples()}


def collections(revenue: pd.DataFrame) -> list[tuple]:
    """Plan, arrears and receivables consistent across levels (sums), FY for all units and year to date by month
    for the nation and the provinces (the nation's months are the sums of the provinces')."""
    plan_pub = _published_plan_pct()
    provinces = [u for u in revenue.index if u.startswith("province:")]
    districts = [u for u in revenue.index if u.startswith("district:")]
    parents = admin.units().loc[districts, "parent"]
    rows = []
    plan_pct = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    arrears_ratio = pd.DataFrame(index=provinces, columns=YEARS, dtype=float)
    shape = {}
    for u in provinces:
        rng = _rng(u, "collections")
        plan_pct.loc[u] = 100.5 + rng.normal(0, 1.6, len(YEARS)) - np.array([2.5 if y in (2020, 2021) else 0
                                                                             for y in YEARS])
        arrears_ratio.loc[u] = np.clip(4.2 + rng.normal(0, 0.8, len(YEARS)) +
                                       np.array([1.3 if y in (2020, 2021) else 0 for y in YEARS]), 1.0, 12.0)
        shape[u] = MONTH_SHAPE + rng.normal(0, 0.08)
    shape = {(u, y): shape[u] for u in provinces for y in YEARS}
    for (u, y), v in plan_pub.items():
        if u in plan_pct.index:
            plan_pct.at[u, y] = v
    plan = revenue.loc[provinces] / (plan_pct / 100)
    pinned_plans = {(u, y) for u, y in plan_pub if u in plan_pct.index}
    # Published in-year figures: that year's curve passes through them (plan and arrears ratio solved from them).
    for y in YEARS:
        for pin in _monthly_pins(y):
            members, m = pin["members"], pin["month"]
            fraction = (m / 12) ** MONTH_SHAPE
            group_rev = float(revenue.loc[members, y].sum())
            for u in members:
                shape[(u, y)] = MONTH_SHAPE
            if pin.get("plan_pct") is not None:
                group_plan = group_rev * fraction / (pin["plan_pct"] / 100)
                plan.loc[members, y] = group_plan * revenue.loc[members, y] / group_rev
                pinned_plans |= {(u, y) for u in members}
            if pin.get("arrears") is not None:
                ratio = pin["arrears"] / (group_rev * fraction) * 100 / (1.25 - 0.25 * m / 12)
                arrears_ratio.loc[members, y] = ratio
    # The nation's published plan attainment: the provinces without their own published figure absorb it.
    for (u, y), v in plan_pub.items():
        if u != admin.NATIONAL_ID:
            continue
        fixed = [p for p in provinces if (p, y) in pinned_plans]
        free = [p for p in provinces if p not in fixed]
        need = revenue.at[u, y] / (v / 100) - plan.loc[fixed, y].sum()
        plan.loc[free, y] = plan.loc[free, y] * need / plan.loc[free, y].sum()
    arrears = revenue.loc[provinces] * arrears_ratio / (100 - arrears_ratio)
    # Districts share their province's plan and arrears by revenue, with noise, and add up exactly.
    noise = pd.DataFrame({y: [_rng(d, "plan", y).normal(0, 0.015) for d in districts] for y in YEARS},
                         index=districts)
    rev_d = revenue.loc[districts]
    def share(extra):
        w = rev_d * (1 + extra)
        return w / w.groupby(parents).transform("sum")
    plan_d = share(noise) * plan.loc[parents.to_numpy()].set_axis(districts)
    arrears_d = share(noise * 4) * arrears.loc[parents.to_numpy()].set_axis(districts)
    nat_plan, nat_arrears = plan.sum(), arrears.sum()
    for uid, r_row, p_row, a_row in ([(admin.NATIONAL_ID, revenue.loc[admin.NATIONAL_ID], nat_plan, nat_arrears)] +
                                     [(u, revenue.loc[u], plan.loc[u], arrears.loc[u]) for u in provinces] +
                                     [(d, revenue.loc[d], plan_d.loc[d], arrears_d.loc[d]) for d in districts]):
        for y in YEARS:
            rows += _collection_rows(uid, y, "FY", r_row[y], p_row[y], a_row[y])
    # Year to date by month (provinces; the nation as their sum).
    for y in YEARS:
        nat_month = np.zeros((11, 3))
        for u in provinces:
            total_rev, total_plan, ratio = revenue.at[u, y], plan.at[u, y], arrears_ratio.at[u, y]
            for m in range(1, 12):
                ytd = total_rev * (m / 12) ** shape[(u, y)]
                arr = ytd * (ratio * (1.25 - 0.25 * m / 12)) / 100
                rows += _collection_rows(u, y, f"{y}-{m:02d}", ytd, total_plan, arr)
                nat_month[m - 1] += (ytd, total_plan, arr)
        for m in range(1, 12):
            rows += _collection_rows(admin.NATIONAL_ID, y, f"{y}-{m:02d}", *nat_month[m - 1])
    return rows


def _collection_rows(uid, year, period, revenue, plan, arrears):
    return [(uid, year, period, "revenue_bn_vnd", revenue), (uid, year, period, "revenue_plan_bn_vnd", plan),
            (uid, year, period, "arrears_bn_vnd", arrears),
            (uid, year, period, "receivables_bn_vnd", revenue + arrears)]


# ---------------------------------------------------------------------------------------------------------------


def generate() -> pd.DataFrame:
    """The whole demo panel as observations (status demo): counts and amounts only; rates are derived."""
    counts = coverage_counts()
    metric_of = {key: RATES[key][0] for key in RATES} | {"si": "si_participants"}
    rows = []
    for key, frame in counts.items():
        long = frame.stack().reset_index()
        long.columns = ["unit", "year", "value"]
        long["metric"] = metric_of[key]
        rows.append(long)
    coll = pd.DataFrame(collections(_revenue(counts["si_compulsory"])),
                        columns=["unit", "year", "period", "metric", "value"])
    df = pd.concat([pd.concat(rows).assign(period="FY"), coll], ignore_index=True)
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df["status"] = "demo"
    df["source"] = SOURCE
    df["note"] = ""
    df["dataset"] = DATASET
    return df[["unit", "year", "period", "metric", "value", "status", "source", "note", "dataset"]]
