"""Overview: KPIs for HI, SI, voluntary SI and UI coverage of the nation or a province, with targets and sources.
Every value carries its status: demo is marked in the value itself, counts sit beside the rates, and a real series
is never mixed with demo (lib.store, lib.figure). In presenter mode: the chosen indicator's card beside its trend,
full width, with a source line."""
import pandas as pd
import streamlit as st

from lib import charts, figure, fmt, overview, periods, ui
from lib.i18n import t
from lib.provenance import describe, status_label

lang = ui.lang()
view = ui.view()
store = ui.get_store()

st.title(t("overview.title", lang))
st.caption(t("overview.subtitle", lang, area=ui.area_label(view.area, lang), year=view.year))

kpis = overview.kpis(store, view.area, view.year, view.demo)
banner = st.container()
if not store.shows_demo(view.area, view.demo) and not ui.presenting():
    st.caption(t("honest.demo_hidden", lang))


def target_line(kpi: overview.Kpi, target_year: int) -> str:
    target = kpi.targets.get(target_year)
    if target is None:
        return t("overview.no_target", lang, year=target_year)
    inherited = ""
    if target.status == "inherited":
        inherited = f" · {t('overview.inherited_from', lang, unit=ui.unit_label(target.unit, lang))}"
    elif target.status == "derived":
        inherited = f" · {t('target_status.derived', lang)}"
    gap = f" ({kpi.gap_text(target_year, lang)})" if kpi.value is not None else ""
    return f"{t('overview.target', lang, year=target_year)}: **{ui.text(fmt.target_text(target, lang))}**{gap}{inherited}"


ordered = sorted(kpis, key=lambda k: k.metric.short != view.metric)
presenting = ui.presenting()


def kpi_card(kpi: overview.Kpi) -> None:
    with st.container(border=True):
        help_text = f"{status_label(kpi.status, lang) if kpi.status else ''} · {ui.text(describe(kpi.source, lang))}"
        value = figure.rate_text(kpi, lang) if kpi.value is not None else t("honest.no_data", lang)
        st.metric(kpi.metric.name(lang), value,
                  delta=fmt.points(kpi.change, lang) if kpi.change is not None else None,
                  help=help_text, border=False)
        status = status_label(kpi.status, lang) if kpi.status else t("honest.no_data", lang)
        line = f"{t('overview.status', lang)}: {':orange[**' + status + '**]' if kpi.demo else status}"
        if (change := figure.change_text(kpi, lang)) is not None:
            line += f" · {change}"
        st.caption(line)
        if (counts := figure.counts_line(kpi, lang)) is not None:
            st.caption(counts)
        for ty in overview.TARGET_YEARS:
            st.markdown(target_line(kpi, ty))
        if kpi.latest_published is not None and not presenting:
            lp = kpi.latest_published
            st.caption(t("overview.latest_published", lang, value=fmt.pct(lp["value"], lang, 2),
                         period=periods.label(int(lp["year"]), str(lp["period"]), lang),
                         source=ui.source_link(str(lp["source"]))))


def trend_series(kpi: overview.Kpi) -> pd.DataFrame:
    return overview.trend(store, view.area, kpi.metric.id, view.year, demo=view.demo)


def trend_chart(kpi: overview.Kpi, height: int = 230):
    targets = overview.targets_frame(store, view.area, kpi.metric.id)
    return charts.trend_with_targets(trend_series(kpi), targets, lang, title=kpi.metric.name(lang), height=height)


def shown_statuses(kpi: overview.Kpi) -> set[str]:
    return kpi.statuses | set(trend_series(kpi)["status"].astype(str))


if presenting:
    # One view: the chosen indicator (the first card) beside its trend, and where its numbers come from.
    main = ordered[0]
    shown = shown_statuses(main)
    with banner:
        ui.demo_banner(shown, lang)
    card, plot = st.columns([1, 2.6])
    with card:
        kpi_card(main)
    with plot:
        ui.chart(trend_chart(main, height=290), f"overview_{main.metric.short}_{view.area}_{view.year}")
    ui.source_line([main.source] + [tg.source for tg in main.targets.values() if tg is not None], lang, shown)
else:
    with banner:
        ui.demo_banner(set().union(*(shown_statuses(k) for k in kpis)), lang)
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
        ui.table(overview.sources_table(ordered, lang), f"overview_sources_{view.area}_{view.year}",
                 column_config={t("col.link", lang): st.column_config.LinkColumn()})

    st.subheader(t("export.brief_heading", lang))
    ui.brief_buttons(view.area, view.year, view.metric, key="ov_brief")
