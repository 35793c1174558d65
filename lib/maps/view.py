"""A Map page view, ready to draw: from the shared view state, the colour mode and the user's boundaries, everything
the page shows (its subtitle, the map as the component's arguments or as a pydeck chart, the data the legend and
the notes read, the panel, the sources a presenter's line names)."""
from __future__ import annotations

from dataclasses import dataclass

from lib import metrics, urlstate
from lib.i18n import t
from lib.maps import deck, features, pydeck_chart, timeline
from lib.maps.notes import Note, map_notes
from lib.maps.panel import Panel, panel
from lib.maps.scale import breaks_from_param
from lib.maps.scope import NATIONAL, Scope, chart_key, scope
from lib.maps.values import MapData, effective_mode, map_data, metric_for, timeline_years
from lib.store import Store


@dataclass
class MapView:
    metric: metrics.Metric
    mode: str  # the effective colour mode: value | gap_2025 | gap_2030
    scope: Scope
    years: list[int]  # the timeline's years
    year: int
    data: MapData
    notes: list[Note]
    panel: Panel  # the selected unit, else the area
    subtitle: str
    key: str  # the map widget's key (a new one for each set of units drawn)
    component: bool  # drawn by the map component (geometry sent once), else by Streamlit's pydeck chart
    map_args: dict | None = None  # the component's arguments
    chart: pydeck_chart.CompactDeck | None = None  # the pydeck chart

    @property
    def sources(self) -> list[str]:
        """The published sources of the figures drawn (the first two), for a presenter's source line."""
        frame = self.data.frame
        published = frame.loc[frame["status"].astype(str).isin(["reported", "uploaded"]), "source"]
        return list(dict.fromkeys(published.astype(str)))[:2]


def build(store: Store, view: urlstate.ViewState, mode: str | None, uploads: dict, lang: str, *, component: bool,
          base_map: bool = False, zoom_to: str | None = None, fit: bool = False, reserve: int = 0,
          year: int | None = None) -> MapView:
    """The view of the Map page. `component`: the map component is built and wanted (not with the web base map);
    `year` overrides the view's (a play step); `fit` and `reserve`: presenter mode's map height."""
    metric = metric_for(view.metric)
    mode = effective_mode(metric, mode or "value")
    scope_ = scope(view.level, view.area, uploads)
    years = timeline_years(store, scope_, metric)
    if year is None:
        year = view.year if view.year is not None else years[-1]
    demo = store.shows_demo(scope_.level, view.demo)  # the demo switch: on by default, off where yours
    breaks = breaks_from_param(view.breaks)  # the user's own classes, else fitted to the data
    data = map_data(store, scope_, metric, year, mode, demo, breaks)
    highlight = view.unit if view.unit and view.unit != NATIONAL else None
    out = MapView(metric, mode, scope_, years, year, data, map_notes(store, scope_, metric, year, data.frame, uploads),
                  panel(store, view.unit or view.area, metric, year, view.demo),
                  t("map.subtitle", lang, metric=metric.name(lang), year=year,
                    level=t(f"map.level_option.{view.level}", lang)),
                  chart_key(scope_, uploads), component)
    if component:
        spec = deck.build_spec(scope_, lang, uploads=uploads, zoom_to=zoom_to)
        data_url = timeline.data_url(store, scope_, metric, mode, lang, demo, uploads, breaks)
        out.map_args = deck.component_args(scope_, spec, data_url, year, highlight, lang,
                                           bounds=deck.view_bounds(scope_, uploads, zoom_to), fit=fit,
                                           reserve=reserve)
    else:
        props = features.feature_properties(data, metric, mode, year, lang, scope_)
        out.chart = pydeck_chart.build_deck(scope_, props, metric, uploads=uploads, highlight=highlight,
                                            zoom_to=zoom_to, base_map=base_map)
    return out
