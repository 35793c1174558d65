"""Scenarios: change targets, the growth assumption and denominator growth for the sidebar's area and indicator; see
the baseline and the scenario side by side; save, open, duplicate, compare and delete named scenarios.

The scenario being edited (the draft) lives in session state outside any widget, so it survives page changes and
language switches; widgets are fed from it before they draw and write back on change (like ui.bound)."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from lib import admin, fmt, metrics, ui
from lib.scenarios import store as scenario_store
from lib.scenarios import model as sc
from lib.gap import gap, gap_text
from lib.i18n import t
from lib.provenance import value_text
from lib.targets import TARGET_KINDS

DRAFT, LOADED, FLASH, CONFLICT, PENDING_DELETE, AUTHOR = ("_sc_draft", "_sc_loaded", "_sc_flash", "_sc_conflict",
                                                          "_sc_pending_delete", "_sc_author")

lang = ui.lang()
view = ui.view()
store = ui.get_store()

st.title(t("page.scenarios", lang))

# -- what the scenario is about: the sidebar's area and indicator -----------------------------------------------------
metric = metrics.by_short(view.metric)
if metric.id not in sc.coverage_metric_ids():
    st.info(t("scenarios.coverage_only", lang, metric=metric.name(lang)), icon=":material/info:")
    metric = metrics.by_short("hi")
unit = view.area


def unit_name(uid: str) -> str:
    return ui.area_label(uid, lang) if uid in admin.units().index else uid


def open_db():
    """The configured scenario database (one connection pool per process), or why it cannot be opened."""
    try:
        return scenario_store.default_store(), None
    except scenario_store.ScenarioStoreError as exc:
        return None, exc
    except Exception as exc:  # a bad URL or driver error: the what-if part still works
        return None, exc


db, db_error = open_db()


# -- the draft --------------------------------------------------------------------------------------------------------
def draft() -> sc.Scenario:
    return st.session_state.get(DRAFT) or sc.Scenario(unit=unit, metric=metric.id)


def set_draft(s: sc.Scenario) -> None:
    st.session_state[DRAFT] = s


def open_saved(saved: scenario_store.SavedScenario) -> None:
    """Make a saved version the draft, and point the sidebar and the URL at it."""
    s = sc.Scenario.from_dict(saved.payload)
    set_draft(replace(s, name=saved.name))
    st.session_state[LOADED] = {"name": saved.name, "version": saved.version, "payload": s.to_dict()}
    st.session_state["scenario"] = saved.name
    if s.unit in ui.area_options():
        st.session_state["area"] = s.unit
    st.session_state["metric"] = metrics.get(s.metric).short
    st.session_state.pop(CONFLICT, None)


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


# A scenario named in the URL (or set by another page) that is not the one open: open it.
if view.scenario and db is not None:
    loaded = st.session_state.get(LOADED)
    if not loaded or scenario_store.name_key(loaded["name"]) != scenario_store.name_key(view.scenario):
        try:
            open_saved(db.load(view.scenario))
            st.rerun()
        except scenario_store.NotFound as exc:
            flash("warning", t("scenarios.msg.deleted" if exc.deleted else "scenarios.msg.not_found", lang,
                               name=ui.text(view.scenario)))
            st.session_state["scenario"] = None
        except (sc.ScenarioFormatError, scenario_store.InvalidName) as exc:
            flash("error", t("scenarios.msg.unreadable", lang, name=ui.text(view.scenario), error=ui.text(exc)))
            st.session_state["scenario"] = None
        except scenario_store.StoreUnavailable:
            pass  # reported in the saved-scenarios section

current = draft()
if (current.unit, current.metric) != (unit, metric.id):  # the draft follows the sidebar
    current = replace(current, unit=unit, metric=metric.id)
    set_draft(current)

inputs = sc.inputs_from_store(store, unit, metric.id, demo=view.demo)
if FLASH in st.session_state:
    kind, message = st.session_state.pop(FLASH)
    getattr(st, kind)(message)


# -- controls ---------------------------------------------------------------------------------------------------------
def fed(widget, key: str, value, on_change, *args, **kwargs):
    """A widget showing `value` (from the draft) that calls on_change(new value) when the user changes it."""
    st.session_state[key] = value
    return widget(*args, key=key, on_change=lambda: on_change(st.session_state[key]), **kwargs)


def set_target(year: int, **changes) -> None:
    s = draft()
    base = inputs.baseline_target(year)
    o = s.override(unit, metric.id, year)
    if o is None:
        o = sc.TargetOverride(unit, metric.id, year, base.kind if base else "point", base.value if base else 0.0,
                              base.value_max if base else None)
    o = replace(o, **changes)
    if o.kind == "range":
        vmax = o.value_max if o.value_max is not None else o.value
        o = replace(o, value_max=max(vmax, o.value))
    else:
        o = replace(o, value_max=None)
    same = base is not None and (o.kind, o.value, o.value_max) == (base.kind, base.value, base.value_max)
    set_draft(s.without_override(unit, metric.id, year) if same else s.with_override(o))


def set_growth(**changes) -> None:
    s = draft()
    set_draft(replace(s, growth=replace(s.growth, **changes)))


def set_growth_kind(kind: str) -> None:
    """Switch the assumption; a persons-a-year assumption starts at a round number that fits the unit."""
    g = draft().growth
    changes = {"kind": kind}
    if kind == "extra_participants" and not g.extra_per_year:
        changes["extra_per_year"] = float(default_extra())
    if kind == "campaign" and not g.campaign_per_year:
        changes["campaign_per_year"] = float(default_extra())
    set_growth(**changes)


def set_denominator(field: str, value) -> None:
    set_draft(replace(draft(), **{field: value}))


def default_extra() -> int:
    """A round default for 'persons a year': about 0.5 % of the denominator (0.5 points a year)."""
    den = dict(inputs.denominator)
    if not den:
        return 1000
    raw = 0.005 * den[max(den)]
    magnitude = 10 ** max(len(str(int(raw))) - 2, 0)
    return int(round(raw / magnitude) * magnitude)


@st.fragment
def what_if() -> None:
    """Controls and results: a control change reruns only this part (the sidebar and the saved-scenarios
    list are not redrawn), which keeps a change well inside the 0.3 s budget."""
    current = draft()
    result = sc.compute(inputs, current)
    loaded = st.session_state.get(LOADED)
    dirty = loaded is not None and loaded["payload"] != replace(current, name=loaded["name"]).to_dict()

    caption = f"{unit_name(unit)} · {metric.name(lang)}"
    if loaded:
        caption += " · " + t("scenarios.open_caption", lang, name=ui.text(loaded["name"]), version=loaded["version"])
        if dirty:
            caption += " · " + t("scenarios.unsaved", lang)
    st.caption(caption)
    ui.demo_banner(inputs.statuses, lang)

    controls, results = st.columns([1.15, 2], gap="large")
    with controls:
        st.subheader(t("scenarios.assumptions", lang))
        st.markdown(f"**{t('scenarios.targets', lang)}**")
        for year in sc.TARGET_YEARS:
            base = inputs.baseline_target(year)
            effective = current.target(base, unit, metric.id, year)
            kind = effective.kind if effective else "point"
            value = float(effective.value) if effective else 0.0
            c1, c2, c3 = st.columns([1.25, 1, 1])
            fed(c1.selectbox, f"sc_kind_{year}", kind, lambda v, y=year: set_target(y, kind=v),
                t("scenarios.target_year", lang, year=year), TARGET_KINDS,
                format_func=lambda k: t(f"scenarios.kind.{k}", lang))
            fed(c2.number_input, f"sc_value_{year}", value, lambda v, y=year: set_target(y, value=float(v)),
                t("scenarios.value_min" if kind == "range" else "scenarios.value", lang), min_value=0.0,
                max_value=100.0, step=0.5, format="%.2f")
            if kind == "range":
                vmax = float(effective.value_max if effective and effective.value_max is not None else value)
                fed(c3.number_input, f"sc_vmax_{year}", vmax, lambda v, y=year: set_target(y, value_max=float(v)),
                    t("scenarios.value_max", lang), min_value=0.0, max_value=100.0, step=0.5, format="%.2f")
            if base is not None:
                st.caption(t("scenarios.baseline_target", lang, target=sc.target_text(base, lang),
                             status=t("target_status." + base.status, lang), document=ui.text(base.document)))
            else:
                st.caption(t("scenarios.no_baseline_target", lang))

        st.markdown(f"**{t('scenarios.growth', lang)}**")
        g = current.growth
        fed(st.radio, "sc_growth_kind", g.kind, set_growth_kind, t("scenarios.growth_kind", lang),
            sc.GROWTH_KINDS, format_func=lambda k: t(f"scenarios.growth_kinds.{k}", lang), label_visibility="collapsed")
        if g.kind == "extra_participants":
            fed(st.number_input, "sc_extra", int(g.extra_per_year or default_extra()),
                lambda v: set_growth(extra_per_year=float(v)), t("scenarios.extra_per_year", lang), step=1000,
                help=t("scenarios.extra_help", lang))
        elif g.kind == "coverage_growth":
            fed(st.number_input, "sc_points", float(g.points_per_year), lambda v: set_growth(points_per_year=float(v)),
                t("scenarios.points_per_year", lang), min_value=-10.0, max_value=10.0, step=0.1, format="%.2f",
                help=t("scenarios.points_help", lang))
        elif g.kind == "campaign":
            first = (result.last_year or 2025) + 1
            years = list(range(first, sc.HORIZON + 1)) or [sc.HORIZON]
            c1, c2 = st.columns(2)
            fed(c1.number_input, "sc_campaign", int(g.campaign_per_year or default_extra()),
                lambda v: set_growth(campaign_per_year=float(v)), t("scenarios.campaign_per_year", lang), step=1000)
            fed(c2.selectbox, "sc_campaign_from", g.campaign_from if g.campaign_from in years else years[0],
                lambda v: set_growth(campaign_from=int(v)), t("scenarios.campaign_from", lang), years)
            if g.campaign_from not in years:
                set_growth(campaign_from=years[0])
        current = draft()
        result = sc.compute(inputs, current)

        st.markdown(f"**{t('scenarios.denominators', lang)}**")
        for den_metric, field in (("population", "population_growth_pct"), ("labour_force", "labour_force_growth_pct")):
            base_rate = sc.baseline_growth_pct(tuple(
                (int(y), float(v)) for y, v in store.series(unit, den_metric)[["year", "value"]].itertuples(index=False)))
            value = getattr(current, field)
            used = den_metric == inputs.denominator_metric
            fed(st.number_input, f"sc_{field}", round(value if value is not None else (base_rate or 0.0), 3),
                lambda v, f=field, b=base_rate: set_denominator(f, None if b is not None and abs(v - round(b, 3)) < 1e-9
                                                               else float(v)),
                t(f"scenarios.growth_{den_metric}", lang), min_value=-sc.DENOMINATOR_GROWTH_LIMIT,
                max_value=sc.DENOMINATOR_GROWTH_LIMIT, step=0.1, format="%.3f",
                help=t("scenarios.denominator_help", lang, rate=fmt.pct(base_rate, lang, 3)))
            st.caption(t("scenarios.used_by_this" if used else "scenarios.not_used_by_this", lang,
                         metric=metric.short_name(lang)) + (" · " + t("scenarios.baseline_rate", lang,
                                                                       rate=fmt.pct(base_rate, lang, 3))
                                                            if base_rate is not None else ""))
        if st.button(t("scenarios.reset", lang), icon=":material/restart_alt:"):
            set_draft(sc.Scenario(unit=unit, metric=metric.id, name=current.name))
            st.rerun()
        current = draft()
        result = sc.compute(inputs, current)

    # -- results ----------------------------------------------------------------------------------------------------------
    with results:
        st.subheader(t("scenarios.results", lang))
        if result.baseline is None:
            st.info(t("scenarios.too_short", lang, message=ui.text(result.message)))
        else:
            if result.is_demo:
                st.caption(t("scenarios.demo_note", lang))
            top, bottom = st.columns(2), st.columns(2)
            cards = [top[0], top[1], bottom[0], bottom[1]]
            o_b, o_s = result.baseline.outcomes[2030], result.variant.outcomes[2030]

            def said(text: str) -> str:  # every figure from a demo series says demo in itself
                return value_text(text, "demo", lang) if inputs.demo and text != "–" else text

            def delta(a, b, scale=1.0, formatter=None):
                if a is None or b is None or abs(b - a) < 1e-12:
                    return None
                return formatter((b - a) * scale)

            cards[0].metric(t("scenarios.card_p_meet", lang, year=2030),
                            said("–" if o_s.p_meet is None else fmt.pct(100 * o_s.p_meet, lang, 0)),
                            delta=delta(o_b.p_meet, o_s.p_meet, 100, lambda d: fmt.points(d, lang, 0)), border=True,
                            help=t("scenarios.card_baseline", lang, value="–" if o_b.p_meet is None
                                   else fmt.pct(100 * o_b.p_meet, lang, 0)))
            cards[1].metric(t("scenarios.card_value", lang, year=2030), said(fmt.pct(o_s.value, lang, 1)),
                            delta=delta(o_b.value, o_s.value, 1, lambda d: fmt.points(d, lang, 2)), border=True,
                            help=t("scenarios.card_baseline", lang, value=fmt.pct(o_b.value, lang, 1)))
            cards[2].metric(t("scenarios.card_gap", lang, year=2030),
                            said(gap_text(gap(o_s.value, o_s.target), lang)),
                            delta=delta(o_b.gap, o_s.gap, 1, lambda d: fmt.points(d, lang, 2)), delta_color="inverse",
                            border=True, help=t("scenarios.card_baseline", lang, value=fmt.points(o_b.gap, lang, 2)))
            cards[3].metric(t("scenarios.card_needed", lang, year=2030),
                            said("–" if o_s.needed_per_year is None else fmt.persons(o_s.needed_per_year, lang)),
                            delta=delta(o_b.needed_per_year, o_s.needed_per_year, 1,
                                        lambda d: ("+" if d > 0 else "-") + fmt.persons(abs(d), lang)),
                            delta_color="inverse", border=True,
                            help=t("scenarios.card_recent", lang, value="–" if result.recent_per_year is None
                                   else fmt.persons(result.recent_per_year, lang)))
            rows = sc.result_rows(result, lang)
            ui.show_table(pd.DataFrame(rows), height=36 + 35 * len(rows), column_config={
                t("scenarios.col_what", lang): st.column_config.TextColumn(width="medium"),
                t("scenarios.col_changed", lang): st.column_config.TextColumn(width="small")})
            st.vega_lite_chart(sc.chart(result, lang), width="stretch")
            with st.expander(t("scenarios.method_title", lang)):
                st.markdown(t("scenarios.method", lang))



what_if()
loaded = st.session_state.get(LOADED)

# -- saved scenarios --------------------------------------------------------------------------------------------------
st.divider()
st.subheader(t("scenarios.saved", lang))


def do_save(name: str, author: str, note: str, expected: int | None) -> None:
    s = replace(draft(), name=scenario_store.clean_name(name))
    saved = db.save(name, s.to_dict(), author=author, note=note, expected_version=expected)
    open_saved(saved)
    flash("success", t("scenarios.msg.saved", lang, name=ui.text(saved.name), version=saved.version))


def on_save() -> None:
    name = st.session_state.get("sc_save_name", "")
    author, note = st.session_state.get("sc_save_author", ""), st.session_state.get("sc_save_note", "")
    st.session_state[AUTHOR] = author
    loaded_now = st.session_state.get(LOADED)
    try:
        same = loaded_now is not None and scenario_store.name_key(name) == scenario_store.name_key(loaded_now["name"])
        do_save(name, author, note, loaded_now["version"] if same else None)
    except scenario_store.ConflictError as exc:
        latest = exc.latest
        st.session_state[CONFLICT] = {"name": exc.name, "expected": exc.expected,
                                      "latest": latest.version if latest else None,
                                      "author": latest.author if latest else "", "deleted": bool(latest and latest.deleted),
                                      "time": sc_time(latest.created_at) if latest else "", "note": note,
                                      "save_author": author}
    except scenario_store.InvalidName as exc:
        flash("error", t("scenarios.msg.invalid_name", lang, error=ui.text(exc)))
    except scenario_store.StoreUnavailable as exc:
        flash("error", t("scenarios.msg.unavailable", lang, error=ui.text(exc)))


def sc_time(dt) -> str:
    return sc.saved_time(dt, lang)


def on_conflict_save_anyway() -> None:
    c = st.session_state.get(CONFLICT)
    try:
        do_save(c["name"], c["save_author"], c["note"], c["latest"])
        st.session_state.pop(CONFLICT, None)
    except scenario_store.ConflictError as exc:  # changed again meanwhile: show the newer one
        c.update(latest=exc.latest.version if exc.latest else None, author=exc.latest.author if exc.latest else "",
                 time=sc_time(exc.latest.created_at) if exc.latest else "")


def on_conflict_open_latest() -> None:
    c = st.session_state.pop(CONFLICT, None)
    try:
        open_saved(db.load(c["name"]))
    except scenario_store.NotFound:
        flash("warning", t("scenarios.msg.deleted", lang, name=ui.text(c["name"])))


def save_tab() -> None:
    if "sc_save_name" not in st.session_state or st.session_state.get("_sc_name_for") != (loaded or {}).get("name"):
        st.session_state["sc_save_name"] = (loaded or {}).get("name", "")
        st.session_state["_sc_name_for"] = (loaded or {}).get("name")
    st.session_state.setdefault("sc_save_author", st.session_state.get(AUTHOR, ""))
    c1, c2 = st.columns(2)
    c1.text_input(t("scenarios.name", lang), key="sc_save_name", max_chars=scenario_store.NAME_MAX)
    c2.text_input(t("scenarios.author", lang), key="sc_save_author", max_chars=scenario_store.AUTHOR_MAX)
    st.text_area(t("scenarios.note", lang), key="sc_save_note", max_chars=scenario_store.NOTE_MAX, height=80)
    typed = st.session_state.get("sc_save_name", "")
    same_name = loaded is not None and typed.strip() and \
        scenario_store.name_key(typed) == scenario_store.name_key(loaded["name"])
    label = t("scenarios.save_version", lang, version=loaded["version"] + 1) if same_name \
        else t("scenarios.save_new", lang)
    # Never disabled: a name typed and not yet sent (no Enter) would leave the button disabled for the first click.
    st.button(label, key="sc_save", type="primary", icon=":material/save:", on_click=on_save)
    conflict = st.session_state.get(CONFLICT)
    if conflict:
        key = "scenarios.msg.conflict_exists" if conflict["expected"] is None else "scenarios.msg.conflict_changed"
        if conflict["deleted"]:
            key = "scenarios.msg.conflict_deleted"
        st.error(t(key, lang, name=ui.text(conflict["name"]), version=conflict["latest"],
                   author=ui.text(conflict["author"] or "–"), time=conflict["time"],
                   expected=conflict["expected"] or "–"))
        c1, c2, c3 = st.columns(3)
        c1.button(t("scenarios.conflict_save_anyway", lang, version=(conflict["latest"] or 0) + 1),
                  key="sc_conflict_save", on_click=on_conflict_save_anyway)
        if not conflict["deleted"]:
            c2.button(t("scenarios.conflict_open_latest", lang, version=conflict["latest"]), key="sc_conflict_open",
                      on_click=on_conflict_open_latest)
        c3.button(t("scenarios.conflict_dismiss", lang), key="sc_conflict_dismiss",
                  on_click=lambda: st.session_state.pop(CONFLICT, None))
        st.caption(t("scenarios.conflict_other_name", lang))


def listing_frame(items) -> pd.DataFrame:
    rows = []
    for s in items:
        payload = s.payload or {}
        m = metrics.catalog().get(payload.get("metric", ""))
        rows.append({t("scenarios.col_name", lang): s.name, t("scenarios.col_version", lang): s.version,
                     t("scenarios.col_author", lang): s.author, t("scenarios.col_note", lang): s.note,
                     t("scenarios.col_time", lang): sc_time(s.created_at),
                     t("scenarios.col_metric", lang): m.short_name(lang) if m else "",
                     t("scenarios.col_unit", lang): unit_name(payload.get("unit", ""))})
    return pd.DataFrame(rows)


def on_open(name: str, version: int | None = None) -> None:
    try:
        open_saved(db.load(name, version, include_deleted=version is not None))
        flash("success", t("scenarios.msg.opened", lang, name=ui.text(name),
                           version=st.session_state[LOADED]["version"]))
    except (scenario_store.NotFound, sc.ScenarioFormatError) as exc:
        flash("error", t("scenarios.msg.unreadable", lang, name=ui.text(name), error=ui.text(exc)))


def on_duplicate(name: str) -> None:
    new_name = st.session_state.get("sc_dup_name", "")
    try:
        saved = db.duplicate(name, new_name, author=st.session_state.get("sc_save_author", ""))
        open_saved(saved)
        flash("success", t("scenarios.msg.duplicated", lang, name=ui.text(name), new=ui.text(saved.name)))
        st.session_state["sc_dup_name"] = ""
    except scenario_store.ConflictError:
        flash("error", t("scenarios.msg.name_taken", lang, name=ui.text(new_name)))
    except scenario_store.InvalidName as exc:
        flash("error", t("scenarios.msg.invalid_name", lang, error=ui.text(exc)))


def on_delete_confirmed() -> None:
    pending = st.session_state.pop(PENDING_DELETE, None)
    try:
        db.delete(pending["name"], author=st.session_state.get("sc_save_author", ""),
                  expected_version=pending["version"])
        if (st.session_state.get(LOADED) or {}).get("name") == pending["name"]:
            st.session_state.pop(LOADED, None)
            st.session_state["scenario"] = None
        flash("success", t("scenarios.msg.deleted_ok", lang, name=ui.text(pending["name"])))
    except scenario_store.ConflictError as exc:
        flash("error", t("scenarios.msg.delete_conflict", lang, name=ui.text(pending["name"]),
                         version=exc.latest.version if exc.latest else "–"))
    except scenario_store.NotFound:
        flash("warning", t("scenarios.msg.deleted", lang, name=ui.text(pending["name"])))


def on_restore(name: str) -> None:
    saved = db.restore(name, author=st.session_state.get("sc_save_author", ""))
    flash("success", t("scenarios.msg.restored", lang, name=ui.text(saved.name), version=saved.version))


def on_new() -> None:
    st.session_state.pop(LOADED, None)
    st.session_state["scenario"] = None
    set_draft(sc.Scenario(unit=unit, metric=metric.id))



def open_tab(listing, deleted) -> None:
    if not listing:
        st.info(t("scenarios.none_saved", lang))
    else:
        ui.show_table(listing_frame(listing))
        names = [s.name for s in listing]
        default = names.index(loaded["name"]) if loaded and loaded["name"] in names else 0
        choice = st.selectbox(t("scenarios.choose", lang), names, index=default, key="sc_choice")
        chosen = next(s for s in listing if s.name == choice)
        c1, c2, c3 = st.columns(3)
        c1.button(t("scenarios.open", lang), key="sc_open", icon=":material/folder_open:", on_click=on_open,
                  args=(choice,), type="primary")
        c2.button(t("scenarios.delete", lang), key="sc_delete", icon=":material/delete:",
                  on_click=lambda: st.session_state.__setitem__(PENDING_DELETE,
                                                                {"name": chosen.name, "version": chosen.version}))
        c3.button(t("scenarios.new", lang), key="sc_new", icon=":material/add:", on_click=on_new)
        pending = st.session_state.get(PENDING_DELETE)
        if pending:
            st.warning(t("scenarios.confirm_delete", lang, name=ui.text(pending["name"]), version=pending["version"]))
            d1, d2 = st.columns(2)
            d1.button(t("scenarios.confirm_yes", lang), key="sc_delete_yes", type="primary",
                      on_click=on_delete_confirmed)
            d2.button(t("scenarios.confirm_no", lang), key="sc_delete_no",
                      on_click=lambda: st.session_state.pop(PENDING_DELETE, None))
        d1, d2 = st.columns([2, 1], vertical_alignment="bottom")
        d1.text_input(t("scenarios.duplicate_as", lang), key="sc_dup_name", max_chars=scenario_store.NAME_MAX)
        d2.button(t("scenarios.duplicate", lang), key="sc_duplicate", icon=":material/content_copy:",
                  on_click=on_duplicate, args=(choice,))
        with st.expander(t("scenarios.history", lang, name=ui.text(choice))):
            history = db.history(choice)
            frame = listing_frame(history)
            frame[t("scenarios.col_action", lang)] = [t(f"scenarios.action.{h.action}", lang) for h in history]
            ui.show_table(frame)
            versions = [h.version for h in history if not h.deleted]
            if versions:
                h1, h2 = st.columns([1, 1], vertical_alignment="bottom")
                v = h1.selectbox(t("scenarios.version", lang), versions[::-1], key="sc_history_version")
                h2.button(t("scenarios.open_version", lang), key="sc_open_version", on_click=on_open,
                          args=(choice, v))
    if deleted:
        with st.expander(t("scenarios.deleted_list", lang, n=len(deleted))):
            ui.show_table(listing_frame(deleted))
            r = st.selectbox(t("scenarios.choose_deleted", lang), [s.name for s in deleted], key="sc_restore_choice")
            st.button(t("scenarios.restore", lang), key="sc_restore", icon=":material/restore_from_trash:",
                      on_click=on_restore, args=(r,))


def compare_tab(listing) -> None:
    if len(listing) < 2:
        st.info(t("scenarios.compare_need_two", lang))
    else:
        names = [s.name for s in listing]
        c1, c2 = st.columns(2)
        a = c1.selectbox(t("scenarios.compare_a", lang), names, index=0, key="sc_cmp_a")
        b = c2.selectbox(t("scenarios.compare_b", lang), names, index=1, key="sc_cmp_b")
        try:
            sa, sb = (sc.Scenario.from_dict(db.load(n).payload) for n in (a, b))
        except (scenario_store.NotFound, sc.ScenarioFormatError) as exc:
            st.error(t("scenarios.msg.unreadable", lang, name="", error=ui.text(exc)))
        else:
            ra = sc.compute(sc.inputs_from_store(store, sa.unit, sa.metric, demo=view.demo), sa)
            rb = sc.compute(sc.inputs_from_store(store, sb.unit, sb.metric, demo=view.demo), sb)
            label_a, label_b = f"A · {a}", f"B · {b}"
            if a == b:
                st.caption(t("scenarios.compare_same", lang))
            ui.demo_banner(ra.statuses | rb.statuses, lang)
            rows = sc.compare_rows(sa, sb, ra, rb, lang, label_a, label_b, unit_name)
            ui.show_table(pd.DataFrame(rows), height=36 + 35 * len(rows))


listing = deleted = None
if db is None:
    st.error(t("scenarios.msg.unavailable", lang, error=ui.text(db_error)))
else:
    try:
        everything = db.list(include_deleted=True)
        listing = [s for s in everything if not s.deleted]
        deleted = [s for s in everything if s.deleted]
    except scenario_store.StoreUnavailable as exc:
        st.error(t("scenarios.msg.unavailable", lang, error=ui.text(exc)))
if listing is not None:
    st.caption(t("scenarios.where", lang, backend=db.backend, count=len(listing)))
    tab_save, tab_open, tab_compare = st.tabs([t("scenarios.tab_save", lang), t("scenarios.tab_open", lang),
                                               t("scenarios.tab_compare", lang)])
    with tab_save:
        save_tab()
    with tab_open:
        open_tab(listing, deleted)
    with tab_compare:
        compare_tab(listing)
