"""Denominators: population and working-age labour force per unit and year, with the assumptions stated.

Population: the 2019 census count (1 April 2019) of every province and district, carried to other years by the
national growth rate implied by two published figures, the census total (96,208,984 on 1 April 2019) and GSO's
2024 average population (101.3 million, mid-2024); every unit is assumed to grow at the national rate. A year's
figure is for mid-year (average population).

Working-age labour force (no published figure by province or year): the national figure implied by published SI
participants and SI coverage in the same year (participants ÷ rate), interpolated linearly between those years and
held flat beyond them; shared out by each unit's census population aged 15–59. A province that published its own
SI participants and SI coverage for a year gets the labour force that pair implies (the mean ratio over its pairs
scales its share in every year) and the other provinces share the rest, so provinces still add up to the nation.
All of these are estimates and are labelled so.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lib import admin
from lib.bundled import reference
from lib.model import Dataset, normalise_observations
from lib.text import ascii_fold

ROOT = Path(__file__).resolve().parents[2]
POP = ROOT / "data" / "reference" / "population"
CROSSWALK = ROOT / "data" / "census2019_district_crosswalk.csv"
YEARS = range(2015, 2026)
CENSUS_DATE = 2019.25  # 1 April 2019, as a fraction of the year
DATASET = "denominators"
SOURCE_POPULATION = "estimate:population"
SOURCE_LABOUR_FORCE = "estimate:labour_force"


def _key(name: str) -> str:
    return "".join(ch for ch in ascii_fold(name).lower() if ch.isalnum())


@lru_cache(maxsize=1)
def _province_of_census_name() -> dict[str, str]:
    provinces = admin.level_units("province")
    out = {_key(r.short_name): uid for uid, r in provinces.iterrows()}
    out[_key("Thừa Thiên Huế")] = admin.resolve("province", "Thừa Thiên Huế").uid
    return out


@lru_cache(maxsize=1)
def census_provinces() -> pd.DataFrame:
    """Census 2019 by legacy province: population, 15–59, urban, rural (index: unit id)."""
    main = pd.read_csv(POP / "provinces.csv")
    extra = pd.read_csv(POP / "provinces_census2019_extra.csv")
    rows = pd.concat([main[(main["year"] == 2019) & (main["metric"] == "population")], extra])
    rows = rows.assign(unit=rows["province_name_vi"].map(lambda n: _province_of_census_name()[_key(n)]))
    wide = rows.pivot_table(index="unit", columns="metric", values="value", aggfunc="first")
    source = main.loc[(main["year"] == 2019) & (main["metric"] == "population"), "source"].iloc[0]
    wide.attrs["source"] = source
    return wide


@lru_cache(maxsize=1)
def census_districts() -> pd.DataFrame:
    """Census 2019 carried onto the 696 districts through data/census2019_district_crosswalk.csv.

    Index: district unit id; columns population, population_age_15_59, population_urban, population_rural and
    `estimated_share` (True where part of a split census unit was assigned by the crosswalk's share rule)."""
    main = pd.read_csv(POP / "districts.csv")
    extra = pd.read_csv(POP / "districts_census2019_extra.csv")
    census = pd.concat([main[main["metric"] == "population"], extra])
    census = census.pivot_table(index=["province_name_vi", "district_type", "district_name_vi"], columns="metric",
                                values="value", aggfunc="first").reset_index()
    walk = pd.read_csv(CROSSWALK, dtype={"district_code": str}, comment="#")
    merged = walk.merge(census, left_on=["census_province", "census_district_type", "census_district"],
                        right_on=["province_name_vi", "district_type", "district_name_vi"], how="left",
                        validate="many_to_one")
    missing = merged[merged["population"].isna()]
    if len(missing):
        raise ValueError(f"{CROSSWALK.name}: census units not found: {missing['census_district'].tolist()[:5]}")
    cols = ["population", "population_age_15_59", "population_urban", "population_rural"]
    for c in cols:
        merged[c] = merged[c] * merged["share"]
    merged["unit"] = "district:" + merged["district_code"].str.zfill(3)
    merged["estimated_share"] = merged["share"] < 1.0
    out = merged.groupby("unit").agg({**{c: "sum" for c in cols}, "estimated_share": "any"})
    return out


@lru_cache(maxsize=1)
def national_growth() -> float:
    """Annual growth implied by the census total and GSO's 2024 average population."""
    nat = pd.read_csv(POP / "national.csv")
    census = nat[(nat["year"] == 2019) & (nat["metric"] == "population")]["value"].iloc[0]
    p2024 = nat[(nat["year"] == 2024) & (nat["metric"] == "population")]["value"].iloc[0]
    return float((p2024 / census) ** (1 / (2024.5 - CENSUS_DATE)) - 1)


def population_factor(year: int) -> float:
    """Mid-year population of `year` relative to the census count."""
    return (1 + national_growth()) ** (year + 0.5 - CENSUS_DATE)


@dataclass(frozen=True)
class LabourForceAnchor:
    year: int
    participants: float
    rate: float
    implied: float


@lru_cache(maxsize=None)
def labour_force_anchors(unit: str = admin.NATIONAL_ID) -> tuple[LabourForceAnchor, ...]:
    """Years where the unit published both SI participants and SI coverage at year end (preferred sources)."""
    obs = reference.dataset().observations
    sel = obs[(obs["unit"] == unit) & (obs["period"] == "FY") & (obs["rank"] == 0)]
    p = sel[sel["metric"] == "si_participants"].set_index("year")["value"]
    r = sel[sel["metric"] == "si_coverage_pct"].set_index("year")["value"]
    years = sorted(set(p.index) & set(r.index))
    return tuple(LabourForceAnchor(y, float(p[y]), float(r[y]), float(p[y] / r[y] * 100)) for y in years)


def national_labour_force() -> pd.Series:
    anchors = labour_force_anchors()
    xs = [a.year for a in anchors]
    ys = [a.implied for a in anchors]
    return pd.Series(np.interp(list(YEARS), xs, ys), index=list(YEARS))


@lru_cache(maxsize=1)
def province_labour_force_shares() -> pd.DataFrame:
    """Each province's share of the national labour force, before and after calibration to its own published pairs."""
    census = census_provinces()
    base = census["population_age_15_59"] / census["population_age_15_59"].sum()
    national = national_labour_force()
    factors = {}
    for uid in base.index:
        pairs = labour_force_anchors(uid)
        if pairs:
            factors[uid] = float(np.mean([a.implied / (national[a.year] * base[uid]) for a in pairs]))
    calibrated = base.copy()
    for uid, f in factors.items():
        calibrated[uid] = base[uid] * f
    others = [u for u in base.index if u not in factors]
    calibrated[others] = base[others] * (1 - calibrated[list(factors)].sum()) / base[others].sum()
    return pd.DataFrame({"census_share": base, "factor": pd.Series(factors), "share": calibrated})


def dataset() -> Dataset:
    """Population and labour-force estimates for the nation, 63 provinces and 696 districts, 2015–2025, plus the
    census counts themselves (period 2019-04)."""
    prov = census_provinces()
    dist = census_districts()
    shares = province_labour_force_shares()["share"]
    national_lf = national_labour_force()
    census_source = prov.attrs["source"]
    district_parent = admin.level_units("district")["parent"]
    rows = []
    total = float(prov["population"].sum())
    for uid, pop in [(admin.NATIONAL_ID, total), *prov["population"].items(), *dist["population"].items()]:
        exact = not (uid.startswith("district:") and bool(dist.at[uid, "estimated_share"]))
        rows.append((uid, 2019, "2019-04", "population", float(pop), "reported" if exact else "estimate",
                     census_source if exact else SOURCE_POPULATION))
        for year in YEARS:
            rows.append((uid, year, "FY", "population", float(pop) * population_factor(year), "estimate",
                         SOURCE_POPULATION))
    for year in YEARS:
        rows.append((admin.NATIONAL_ID, year, "FY", "labour_force", float(national_lf[year]), "estimate",
                     SOURCE_LABOUR_FORCE))
        for uid, share in shares.items():
            rows.append((uid, year, "FY", "labour_force", float(national_lf[year] * share), "estimate",
                         SOURCE_LABOUR_FORCE))
    # Districts share their province's labour force by census population aged 15–59.
    within = dist["population_age_15_59"] / dist.groupby(district_parent.reindex(dist.index))[
        "population_age_15_59"].transform("sum")
    for uid, part in within.items():
        parent = district_parent[uid]
        for year in YEARS:
            rows.append((uid, year, "FY", "labour_force", float(national_lf[year] * shares[parent] * part),
                         "estimate", SOURCE_LABOUR_FORCE))
    df = pd.DataFrame(rows, columns=["unit", "year", "period", "metric", "value", "status", "source"])
    df["dataset"] = DATASET
    df["note"] = ""
    return Dataset(name=DATASET, origin="bundled", observations=normalise_observations(df),
                   description="census 2019 + stated growth; labour force implied by SI participants ÷ SI rate")


def assumptions() -> dict:
    """The numbers behind the estimates, for the data dictionary."""
    shares = province_labour_force_shares()
    return {
        "growth": national_growth(),
        "anchors": labour_force_anchors(),
        "national_labour_force": national_labour_force(),
        "calibrated": shares.dropna(subset=["factor"]),
    }
