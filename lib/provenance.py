"""Where a number comes from, in words: the published source, the estimation method, a sum, a ratio, or demo."""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from lib import metrics
from lib.i18n import t

URL = re.compile(r"https?://\S+", re.IGNORECASE)


def describe(source: str, lang: str) -> str:
    source = str(source or "")
    if source == "demo":
        return t("source.demo", lang)
    if source.startswith("estimate:"):
        return t(f"source.{source.replace(':', '_')}", lang)
    if source.startswith("sum:"):
        what = source[4:]
        if what in ("district", "province", "commune"):
            return t("source.sum_children", lang, children=t(f"level.plural.{what}", lang))
        parts = " + ".join(metrics.get(p).name(lang) for p in what.split("+") if p in metrics.catalog())
        return t("source.sum_parts", lang, parts=parts)
    if source.startswith("rate:"):
        num, _, den = source[5:].partition(" ÷ ")
        return t("source.rate", lang, numerator=describe(num, lang), denominator=describe(den, lang))
    return source


_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
                   r"(:\d{1,5})?$")


def first_url(source: str) -> str | None:
    """The first web address in a source, checked and made safe to put in a link: http or https, a plain host name
    (no user name, no spaces or markup characters), the rest percent-encoded. None when there is none or it is not
    such an address (javascript:, data:, a host with markup in it)."""
    m = URL.search(str(source or ""))
    if not m:
        return None
    try:
        parts = urlsplit(m.group(0).rstrip(").,;'\"]>"))
    except ValueError:
        return None
    host = parts.netloc.lower()
    if parts.scheme.lower() not in ("http", "https") or not _HOST.match(host):
        return None
    safe = "/%:@!$&'*+,;=-._~"
    return urlunsplit((parts.scheme.lower(), host, quote(parts.path, safe=safe), quote(parts.query, safe=safe + "?"),
                       quote(parts.fragment, safe=safe + "?")))


def domain(url: str) -> str:
    """The site of a checked web address, as shown for a link: 'bhxh.gov.vn'."""
    host = urlsplit(url).netloc.split(":")[0]
    return host[4:] if host.startswith("www.") else host


def short(source: str, limit: int = 60) -> str:
    """A source in a few words: the site of a URL, else the text cut short."""
    url = first_url(source)
    if url:
        return domain(url)
    text = str(source or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)


def value_text(text: str, status: str | None, lang: str) -> str:
    """A formatted value carrying its status where it is not a published or the user's own figure: demo marked in
    the value ('93,35% [minh họa]'), estimates said to be estimates."""
    if status == "demo":
        return t("honest.demo_value", lang, value=text)
    if status == "estimate":
        return t("honest.estimate_value", lang, value=text)
    return text
