"""The metric catalog (lib/catalog/metrics.toml) as Python objects."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CATALOG = Path(__file__).resolve().parent / "catalog" / "metrics.toml"


@dataclass(frozen=True)
class Metric:
    id: str
    kind: str  # count | money | rate
    domain: str  # coverage | collections
    label: dict
    description: dict
    short: str | None = None
    role: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    sum_of: tuple[str, ...] = ()
    direction: int = 1
    ceiling: float | None = None
    label_short: dict | None = None

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def is_derived(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    def name(self, lang: str) -> str:
        return self.label.get(lang, self.label["en"])

    def short_name(self, lang: str) -> str:
        return (self.label_short or self.label).get(lang, self.name(lang))

    def unit_label(self, lang: str) -> str:
        return {"rate": "%", "count": "người" if lang == "vi" else "persons",
                "money": "tỷ đồng" if lang == "vi" else "bn VND"}[self.kind]


@lru_cache(maxsize=1)
def catalog() -> dict[str, Metric]:
    raw = tomllib.loads(CATALOG.read_text(encoding="utf-8"))["metrics"]
    out = {}
    for mid, spec in raw.items():
        spec = dict(spec)
        spec["sum_of"] = tuple(spec.get("sum_of", ()))
        out[mid] = Metric(id=mid, **spec)
    return out


def get(metric_id: str) -> Metric:
    try:
        return catalog()[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r}; known: {', '.join(catalog())}") from None


def by_short(short: str) -> Metric:
    for m in catalog().values():
        if m.short == short:
            return m
    raise KeyError(f"unknown indicator {short!r}; known: {', '.join(headline_ids('coverage') + headline_ids('collections'))}")


def headline(domain: str = "coverage") -> list[Metric]:
    """The indicators users pick from: HI, SI, voluntary SI, UI coverage; collections % of plan and arrears ratio."""
    return [m for m in catalog().values() if m.short and m.domain == domain]


def headline_ids(domain: str = "coverage") -> list[str]:
    return [m.short for m in headline(domain)]


DOMAINS = ("coverage", "collections")


def all_headline_ids() -> list[str]:
    """Every indicator a user can pick (the URL's `metric`, the CLI's choices): coverage first, then collections."""
    return [s for d in DOMAINS for s in headline_ids(d)]


def for_page(short: str | None, domain: str | None = None) -> Metric:
    """The one rule for "which indicator does this page show": the view's indicator when it is a headline indicator of
    the page's domain (any domain when None), else the domain's first headline indicator (HI coverage; % of plan on
    a collections page)."""
    shorts = headline_ids(domain) if domain else all_headline_ids()
    return by_short(short if short in shorts else shorts[0])


def stored_ids(domain: str | None = None) -> list[str]:
    """Metrics a dataset may carry: every count and money metric, and every rate (published rates are kept)."""
    return [m.id for m in catalog().values() if domain is None or m.domain == domain]


def count_ids(domain: str | None = None) -> list[str]:
    return [m.id for m in catalog().values() if m.kind != "rate" and (domain is None or m.domain == domain)]


def rate_ids(domain: str | None = None) -> list[str]:
    return [m.id for m in catalog().values() if m.kind == "rate" and (domain is None or m.domain == domain)]


def denominator_of(participants_id: str) -> str | None:
    for m in catalog().values():
        if m.numerator == participants_id:
            return m.denominator
    return None
