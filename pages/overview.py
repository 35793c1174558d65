"""Overview: KPIs for HI, SI, voluntary SI and UI coverage of the nation or a province, with targets and sources."""
import pandas as pd
import streamlit as st

from lib import charts, fmt, overview, periods, ui
from lib.i18n import t
from lib.provenance import describe, first_url, status_label

lang = ui.lang()
view = ui.view()
store = ui.get_store()

st.title(t("overview.title", lang))
st.caption(t("overview.subtitle", lang, area=ui.area_label(view.area, lang), year=view.year))

kpis = overview.kpis(store, view.area, view.year)
ui.demo_banner(set().union(*(k.statuses for k in kpis)), lang)


def target_line(kpi: overview.Kpi, target_year: int) -> str:
    target = kpi.targets.get(target_year)
    if target is None:
        return t("overview.no_target", lang, year=target_year)
    gap = kpi.gap(target_year)
    gap_text = t("overview.achieved", lang) if gap is not None and gap <= 0 else \
        t("overview.gap", lang, gap=fmt.points(gap, lang, signed=False))
    inherited = "" if target.status in ("published", "uploaded") else f" · {t('target_status.' + target.status, lang)}"
    return f"{t('overview.target', lang, year=target_year)}: **{ui.text(fmt_target(target))}** ({gap_text}){inherited}"


def fmt_target(target) -> str:
    if target.kind == "range" and target.value_max is not None:
        return f"{fmt.trimmed(target.value, lang)}–{fmt.pct_trimmed(target.value_max, lang)}"
    prefix = t("overview.above", lang) + " " if target.kind == "floor" else ""
    return prefix + fmt.pct_trimmed(target.value, lang)


ordered = sorted(kpis, key=lambda k: k.metric.short != view.metric)
columns = st.columns(len(ordered))
for column, kpi in zip(columns, ordered):
    with column, st.container(border=True):
        help_text = f"{status_label(kpi.status, lang) if kpi.status else ''} · {describe(kpi.source, lang)}"
        st.metric(kpi.metric.name(lang), fmt.pct(kpi.value, lang, 2),
                  delta=fmt.points(kpi.change, lang) if kpi.change is not None else None,
                  help=help_text, border=False)
        st.caption(f"{t('overview.status', lang)}: {status_label(kpi.status, lang) if kpi.status else '–'}")
        for ty in overview.TARGET_YEARS:
            st.markdown(target_line(kpi, ty))
        if kpi.latest_published is not None:
            lp = kpi.latest_published
            st.caption(t("overview.latest_published", lang, value=fmt.pct(lp["value"], lang, 2),
                         period=periods.label(int(lp["year"]), str(lp["period"]), lang),
                         source=ui.source_link(str(lp["source"]))))

for row_start in range(0, len(ordered), 2):
    cols = st.columns(2)
    for col, kpi in zip(cols, ordered[row_start:row_start + 2]):
        with col:
            series = overview.trend(store, view.area, kpi.metric.id, view.year)
            targets = overview.targets_frame(store, view.area, kpi.metric.id)
            chart = charts.trend_with_targets(series, targets, lang, title=kpi.metric.name(lang))
            st.altair_chart(charts.configure(chart, lang), width="stretch")

with st.expander(t("overview.sources", lang)):
    rows = []
    for kpi in ordered:
        rows.append({t("col.indicator", lang): kpi.metric.name(lang), t("col.what", lang): str(kpi.year),
                     t("col.value", lang): fmt.pct(kpi.value, lang, 2),
                     t("col.status", lang): status_label(kpi.status, lang) if kpi.status else "–",
                     t("col.source", lang): describe(kpi.source, lang), t("col.link", lang): first_url(kpi.source)})
        for ty, target in kpi.targets.items():
            if target is not None:
                rows.append({t("col.indicator", lang): kpi.metric.name(lang),
                             t("col.what", lang): t("overview.target", lang, year=ty),
                             t("col.value", lang): fmt_target(target),
                             t("col.status", lang): t("target_status." + target.status, lang),
                             t("col.source", lang): f"{target.document} — {describe(target.source, lang)}",
                             t("col.link", lang): first_url(target.source)})
    ui.show_table(pd.DataFrame(rows), column_config={t("col.link", lang): st.column_config.LinkColumn()})
