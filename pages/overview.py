"""Overview: KPIs for HI, SI, voluntary SI and UI coverage of the nation or a province, with targets and sources.
In presenter mode: the chosen indicator's card beside its trend, full width, with a source line."""
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
banner = st.container()


def target_line(kpi: overview.Kpi, target_year: int) -> str:
    target = kpi.targets.get(target_year)
    if target is None:
        return t("overview.no_target", lang, year=target_year)
    gap = kpi.gap(target_year)
    gap_text = t("overview.achieved", lang) if gap is not None and gap <= 0 else \
        t("overview.gap", lang, gap=fmt.points(gap, lang, signed=False))
    inherited = ""
    if target.status == "inherited":
        inherited = f" · {t('overview.inherited_from', lang, unit=ui.unit_label(target.unit, lang))}"
    elif target.status == "derived":
        inherited = f" · {t('target_status.derived', lang)}"
    return f"{t('overview.target', lang, year=target_year)}: **{ui.text(fmt.target_text(target, lang))}** ({gap_text}){inherited}"



ordered = sorted(kpis, key=lambda k: k.metric.short != view.metric)
presenting = ui.presenting()


def kpi_card(kpi: overview.Kpi) -> None:
    with st.container(border=True):
        help_text = f"{status_label(kpi.status, lang) if kpi.status else ''} · {ui.text(describe(kpi.source, lang))}"
        st.metric(kpi.metric.name(lang), fmt.pct(kpi.value, lang, 2),
                  delta=fmt.points(kpi.change, lang) if kpi.change is not None else None,
                  help=help_text, border=False)
        st.caption(f"{t('overview.status', lang)}: {status_label(kpi.status, lang) if kpi.status else '–'}")
        for ty in overview.TARGET_YEARS:
            st.markdown(target_line(kpi, ty))
        if kpi.latest_published is not None and not presenting:
            lp = kpi.latest_published
            st.caption(t("overview.latest_published", lang, value=fmt.pct(lp["value"], lang, 2),
                         period=periods.label(int(lp["year"]), str(lp["period"]), lang),
                         source=ui.source_link(str(lp["source"]))))


def trend_chart(kpi: overview.Kpi, height: int = 230):
    series = overview.trend(store, view.area, kpi.metric.id, view.year)
    targets = overview.targets_frame(store, view.area, kpi.metric.id)
    return charts.trend_with_targets(series, targets, lang, title=kpi.metric.name(lang), height=height)


if presenting:
    # One view: the chosen indicator (the first card) beside its trend, and where its numbers come from.
    main = ordered[0]
    with banner:
        shown = main.statuses | set(overview.trend(store, view.area, main.metric.id, view.year)["status"].astype(str))
        ui.demo_banner(shown, lang)
    card, plot = st.columns([1, 2.6])
    with card:
        kpi_card(main)
    with plot:
        ui.chart(trend_chart(main, height=290), f"overview_{main.metric.short}_{view.area}_{view.year}")
    ui.source_line([main.source] + [tg.source for tg in main.targets.values() if tg is not None], lang, shown)
else:
    with banner:
        ui.demo_banner(set().union(*(k.statuses for k in kpis)), lang)
    columns = st.columns(len(ordered))
    for column, kpi in zip(columns, ordered):
        with column:
            kpi_card(kpi)
    for row_start in range(0, len(ordered), 2):
        cols = st.columns(2)
        for col, kpi in zip(cols, ordered[row_start:row_start + 2]):
            with col:
                ui.chart(trend_chart(kpi), f"overview_{kpi.metric.short}_{view.area}_{view.year}",
                         key=f"ov_{kpi.metric.short}")

if not presenting:
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
                                 t("col.value", lang): fmt.target_text(target, lang),
                                 t("col.status", lang): t("target_status." + target.status, lang),
                                 t("col.source", lang): f"{target.document} — {describe(target.source, lang)}",
                                 t("col.link", lang): first_url(target.source)})
        ui.table(pd.DataFrame(rows), f"overview_sources_{view.area}_{view.year}",
                 column_config={t("col.link", lang): st.column_config.LinkColumn()})

    st.subheader(t("export.brief_heading", lang))
    ui.brief_buttons(view.area, view.year, view.metric, key="ov_brief")
