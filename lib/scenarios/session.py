"""The Scenarios page's state: the draft being edited, the saved version it came from, a save conflict, a delete
waiting for its confirmation and the one-time message of the last action, over any mutable mapping (Streamlit's
session state in the app, a plain dict in tests). No Streamlit here: the page draws, this decides.

States and what moves between them (each a method; the page calls one per user action):

- the **draft** (``draft``): the scenario on screen. It follows the sidebar's area and indicator (``follow``); the
  controls change it (``set_target``, ``set_growth``, ``set_growth_kind``, ``set_denominator``, ``reset``).
- **loaded** (``loaded``): the saved name and version the draft came from; ``dirty`` when the draft differs from it.
  ``open`` (a saved scenario, or one version of its history), ``open_named`` (the scenario named in the URL),
  ``duplicate`` and a successful ``save`` make a saved version the draft and point the view at it; ``new`` forgets it.
- **conflict** (``conflict``): a save found a newer version (or a deletion) than the one it started from and wrote
  nothing. Three ways out: ``save_anyway`` (save as the next version after theirs), ``open_latest`` (drop mine, open
  theirs), ``dismiss_conflict`` (keep editing; save under another name).
- **pending delete** (``pending_delete``): ``ask_delete`` remembers the version the user saw; ``confirm_delete``
  deletes exactly that version (a newer one is a conflict, nothing deleted), ``cancel_delete`` forgets it.
- **flash** (``take_flash``): the outcome of the last action as (kind, message key, params), shown once.

Names, authors and notes are user text: they travel in a flash's params unescaped; the page shows them as text.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, MutableMapping

from lib import admin, metrics, urlstate
from lib.scenarios import model as sc
from lib.scenarios import store as scenario_store

DRAFT, LOADED, FLASH, CONFLICT, PENDING_DELETE, AUTHOR = ("_sc_draft", "_sc_loaded", "_sc_flash", "_sc_conflict",
                                                          "_sc_pending_delete", "_sc_author")
AREA_LEVELS = ("national", "province", "province_2025")  # what the sidebar's area can be
# The save form's fields (the page's text boxes write them): name, author, note, and the name a copy gets
SAVE_NAME, SAVE_AUTHOR, SAVE_NOTE, DUPLICATE_NAME = "sc_save_name", "sc_save_author", "sc_save_note", "sc_dup_name"
_NAME_FOR = "_sc_name_for"  # the open scenario the name box was filled for


class ScenarioSession:
    """The Scenarios page's state machine over `state` (a mutable mapping), for the scenario of `unit` and `metric`.

    `db` is the scenario store (None when it could not be opened: the what-if part still works). `change_view`
    changes the shared view (the app passes ``ui.change_view``; by default the checked changes are written into
    `state`, as the app's session state holds the view too)."""

    def __init__(self, state: MutableMapping, db: scenario_store.ScenarioStore | None, unit: str, metric: str,
                 inputs: sc.Inputs | None = None, change_view: Callable[..., object] | None = None):
        self.state, self.db, self.unit, self.metric = state, db, unit, metric
        self.inputs = inputs
        self._change_view = change_view or (lambda **changes: state.update(urlstate.validate_changes(changes)))

    # -- the draft ----------------------------------------------------------------------------------------------------
    @property
    def draft(self) -> sc.Scenario:
        return self.state.get(DRAFT) or sc.Scenario(unit=self.unit, metric=self.metric)

    def set_draft(self, scenario: sc.Scenario) -> None:
        self.state[DRAFT] = scenario

    def follow(self) -> sc.Scenario:
        """The draft is about the sidebar's area and indicator: a change there moves the draft along."""
        current = self.draft
        if (current.unit, current.metric) != (self.unit, self.metric):
            current = replace(current, unit=self.unit, metric=self.metric)
            self.set_draft(current)
        return current

    def set_target(self, year: int, **changes) -> None:
        """Change the target of `year` (kind, value, value_max). A range keeps its upper bound at or above its lower
        one; a point or floor has none; a target set back to the baseline's is no override at all."""
        s = self.draft
        base = self.inputs.baseline_target(year) if self.inputs is not None else None
        o = s.override(self.unit, self.metric, year)
        if o is None:
            o = sc.TargetOverride(self.unit, self.metric, year, base.kind if base else "point",
                                  base.value if base else 0.0, base.value_max if base else None)
        o = replace(o, **changes)
        if o.kind == "range":
            vmax = o.value_max if o.value_max is not None else o.value
            o = replace(o, value_max=max(vmax, o.value))
        else:
            o = replace(o, value_max=None)
        same = base is not None and (o.kind, o.value, o.value_max) == (base.kind, base.value, base.value_max)
        self.set_draft(s.without_override(self.unit, self.metric, year) if same else s.with_override(o))

    def set_growth(self, **changes) -> None:
        s = self.draft
        self.set_draft(replace(s, growth=replace(s.growth, **changes)))

    def set_growth_kind(self, kind: str) -> None:
        """Switch the assumption; a persons-a-year assumption starts at a round number that fits the unit."""
        g = self.draft.growth
        changes = {"kind": kind}
        if kind == "extra_participants" and not g.extra_per_year:
            changes["extra_per_year"] = float(self.default_extra())
        if kind == "campaign" and not g.campaign_per_year:
            changes["campaign_per_year"] = float(self.default_extra())
        self.set_growth(**changes)

    def default_extra(self) -> int:
        return default_extra_per_year(self.inputs.denominator if self.inputs is not None else ())

    def set_denominator(self, field: str, value: float, baseline_rate: float | None) -> None:
        """Denominator growth (% a year); the baseline's own rate (as shown, 3 decimals) means no change."""
        same = baseline_rate is not None and abs(value - round(baseline_rate, 3)) < 1e-9
        self.set_draft(replace(self.draft, **{field: None if same else float(value)}))

    def target_fields(self, year: int) -> tuple:
        """What a target year's controls show: (the baseline target or None, the draft's kind, value, upper value)."""
        base = self.inputs.baseline_target(year)
        effective = self.draft.target(base, self.unit, self.metric, year)
        kind, value = (effective.kind, float(effective.value)) if effective else ("point", 0.0)
        vmax = float(effective.value_max if effective and effective.value_max is not None else value)
        return base, kind, value, vmax

    def denominator_fields(self, store) -> list[tuple]:
        """What the denominator controls show: (denominator metric, draft field, the baseline's growth rate, the
        value shown: the draft's, else the baseline's rate, 3 decimals)."""
        rates = denominator_rates(store, self.unit)
        out = []
        for den_metric, field in DENOMINATOR_FIELDS:
            value = getattr(self.draft, field)
            out.append((den_metric, field, rates[den_metric],
                        round(value if value is not None else (rates[den_metric] or 0.0), 3)))
        return out

    def reset(self) -> None:
        """Back to the baseline (the name stays: saving it makes the next version)."""
        self.set_draft(sc.Scenario(unit=self.unit, metric=self.metric, name=self.draft.name))

    # -- what is open -------------------------------------------------------------------------------------------------
    @property
    def loaded(self) -> dict | None:
        return self.state.get(LOADED)

    @property
    def dirty(self) -> bool:
        loaded = self.loaded
        return loaded is not None and loaded["payload"] != replace(self.draft, name=loaded["name"]).to_dict()

    def next_version(self, name: str) -> int | None:
        """The version a save under `name` makes when it is the open scenario's name (a new version of it); None
        for another name (a new scenario)."""
        loaded = self.loaded
        if loaded is None or not str(name or "").strip():
            return None
        try:
            same = scenario_store.name_key(name) == scenario_store.name_key(loaded["name"])
        except scenario_store.InvalidName:
            return None
        return loaded["version"] + 1 if same else None

    def _open_saved(self, saved: scenario_store.SavedScenario) -> None:
        """Make a saved version the draft, and point the view (sidebar, URL) at it."""
        s = sc.Scenario.from_dict(saved.payload)
        self.set_draft(replace(s, name=saved.name))
        self.state[LOADED] = {"name": saved.name, "version": saved.version, "payload": s.to_dict()}
        self.state.pop(CONFLICT, None)
        changes = {"scenario": saved.name, "metric": metrics.get(s.metric).short}
        if s.unit in admin.units().index and admin.units().at[s.unit, "level"] in AREA_LEVELS:
            changes["area"] = s.unit
        self._change_view(**changes)
        self.unit, self.metric = s.unit, s.metric

    def open_named(self, name: str | None) -> bool:
        """Open the scenario the view names (a link's ?scenario=NAME) unless it is the one open. True when it was
        opened (the page reruns so the sidebar shows its area and indicator)."""
        if not name or self.db is None:
            return False
        loaded = self.loaded
        try:
            if loaded and scenario_store.name_key(loaded["name"]) == scenario_store.name_key(name):
                return False
            self._open_saved(self.db.load(name))
            return True
        except scenario_store.NotFound as exc:
            self.flash("warning", "scenarios.msg.deleted" if exc.deleted else "scenarios.msg.not_found", name=name)
        except (sc.ScenarioFormatError, scenario_store.InvalidName) as exc:
            self.flash("error", "scenarios.msg.unreadable", name=name, error=str(exc))
        except scenario_store.StoreUnavailable:
            return False  # reported where the saved scenarios are listed
        self._change_view(scenario=None)
        return False

    def open(self, name: str, version: int | None = None) -> None:
        """Open a saved scenario (its latest version, or `version` from its history, even a deleted one's)."""
        try:
            self._open_saved(self.db.load(name, version, include_deleted=version is not None))
            self.flash("success", "scenarios.msg.opened", name=name, version=self.loaded["version"])
        except (scenario_store.NotFound, sc.ScenarioFormatError) as exc:
            self.flash("error", "scenarios.msg.unreadable", name=name, error=str(exc))
        except scenario_store.StoreUnavailable as exc:
            self.flash("error", "scenarios.msg.unavailable", error=str(exc))

    def new(self) -> None:
        """Forget the open scenario: a fresh draft at the baseline."""
        self.state.pop(LOADED, None)
        self._change_view(scenario=None)
        self.set_draft(sc.Scenario(unit=self.unit, metric=self.metric))

    # -- saving ---------------------------------------------------------------------------------------------------
    @property
    def author(self) -> str:
        """The author last typed in this session (a save remembers it)."""
        return self.state.get(AUTHOR, "")

    def save(self, name: str, author: str = "", note: str = "") -> bool:
        """Save the draft under `name`: the next version when it is the open scenario's name, else a new scenario.
        Someone else's save meanwhile (or a taken name) is a conflict: nothing written, ``conflict`` says why."""
        self.state[AUTHOR] = author
        try:
            expected = self.loaded["version"] if self.next_version(name) is not None else None
            self._save(name, author, note, expected)
            return True
        except scenario_store.ConflictError as exc:
            self.state[CONFLICT] = {"name": exc.name, "expected": exc.expected, "note": note, "save_author": author,
                                    **_latest_fields(exc.latest)}
        except scenario_store.InvalidName as exc:
            self.flash("error", "scenarios.msg.invalid_name", error=str(exc))
        except scenario_store.StoreUnavailable as exc:
            self.flash("error", "scenarios.msg.unavailable", error=str(exc))
        return False

    def _save(self, name: str, author: str, note: str, expected: int | None) -> None:
        s = replace(self.draft, name=scenario_store.clean_name(name))
        saved = self.db.save(name, s.to_dict(), author=author, note=note, expected_version=expected)
        self._open_saved(saved)
        self.flash("success", "scenarios.msg.saved", name=saved.name, version=saved.version)

    @property
    def conflict(self) -> dict | None:
        """The last save's conflict: name, expected (the version it started from; None = a new name), latest,
        author and created_at of the version found, deleted (the name was deleted meanwhile)."""
        return self.state.get(CONFLICT)

    def save_anyway(self) -> None:
        """Conflict, way 1: save mine as the version after theirs (theirs stays in the history)."""
        c = self.conflict
        if c is None:
            return
        try:
            self._save(c["name"], c["save_author"], c["note"], c["latest"])
        except scenario_store.ConflictError as exc:  # changed again meanwhile: show the newer one
            self.state[CONFLICT] = {**c, **_latest_fields(exc.latest)}
            return
        except scenario_store.StoreUnavailable as exc:
            self.flash("error", "scenarios.msg.unavailable", error=str(exc))
            return
        self.state.pop(CONFLICT, None)

    def open_latest(self) -> None:
        """Conflict, way 2: drop my changes and open theirs."""
        c = self.state.pop(CONFLICT, None)
        if c is None:
            return
        try:
            self._open_saved(self.db.load(c["name"]))
        except scenario_store.NotFound:
            self.flash("warning", "scenarios.msg.deleted", name=c["name"])

    def dismiss_conflict(self) -> None:
        """Conflict, way 3: keep editing (and save under another name)."""
        self.state.pop(CONFLICT, None)

    # -- the saved list ---------------------------------------------------------------------------------------------
    def saved(self) -> tuple[list, list]:
        """(live, deleted) saved scenarios, newest first; raises StoreUnavailable."""
        everything = self.db.list(include_deleted=True)
        return [s for s in everything if not s.deleted], [s for s in everything if s.deleted]

    def saved_or_why(self, db_error: Exception | None = None) -> tuple[list | None, list | None, Exception | None]:
        """(live, deleted, None), or (None, None, why) when the database cannot be read."""
        if self.db is None:
            return None, None, db_error
        try:
            return (*self.saved(), None)
        except scenario_store.StoreUnavailable as exc:
            return None, None, exc

    def duplicate(self, name: str, new_name: str, author: str | None = None) -> bool:
        """Copy `name` to `new_name` (its version 1) and open the copy. True when done."""
        try:
            saved = self.db.duplicate(name, new_name, author=self.author if author is None else author)
        except scenario_store.ConflictError:
            self.flash("error", "scenarios.msg.name_taken", name=new_name)
            return False
        except scenario_store.InvalidName as exc:
            self.flash("error", "scenarios.msg.invalid_name", error=str(exc))
            return False
        except (scenario_store.NotFound, scenario_store.StoreUnavailable) as exc:
            self.flash("error", "scenarios.msg.unreadable", name=name, error=str(exc))
            return False
        self._open_saved(saved)
        self.flash("success", "scenarios.msg.duplicated", name=name, new=saved.name)
        return True

    @property
    def pending_delete(self) -> dict | None:
        return self.state.get(PENDING_DELETE)

    def ask_delete(self, name: str, version: int) -> None:
        """Delete asks first; the version the user saw is the one a confirmation deletes."""
        self.state[PENDING_DELETE] = {"name": name, "version": version}

    def cancel_delete(self) -> None:
        self.state.pop(PENDING_DELETE, None)

    def confirm_delete(self, author: str | None = None) -> None:
        pending = self.state.pop(PENDING_DELETE, None)
        if pending is None:
            return
        try:
            self.db.delete(pending["name"], author=self.author if author is None else author,
                           expected_version=pending["version"])
        except scenario_store.ConflictError as exc:
            self.flash("error", "scenarios.msg.delete_conflict", name=pending["name"],
                       version=exc.latest.version if exc.latest else "–")
            return
        except scenario_store.NotFound:
            self.flash("warning", "scenarios.msg.deleted", name=pending["name"])
            return
        except scenario_store.StoreUnavailable as exc:
            self.flash("error", "scenarios.msg.unavailable", error=str(exc))
            return
        if (self.loaded or {}).get("name") == pending["name"]:  # the open one: nothing is open any more
            self.state.pop(LOADED, None)
            self._change_view(scenario=None)
        self.flash("success", "scenarios.msg.deleted_ok", name=pending["name"])

    def restore(self, name: str, author: str | None = None) -> None:
        """Undo a delete: the scenario is live again (a new version with its last settings)."""
        try:
            saved = self.db.restore(name, author=self.author if author is None else author)
        except scenario_store.ScenarioStoreError as exc:
            self.flash("error", "scenarios.msg.unreadable", name=name, error=str(exc))
            return
        self.flash("success", "scenarios.msg.restored", name=saved.name, version=saved.version)

    def compare(self, store, a: str, b: str, demo: bool | None = None):
        """Two saved scenarios and their results: (scenario a, scenario b, result a, result b); `demo` is the view's
        demo switch. Raises NotFound or ScenarioFormatError when one cannot be read."""
        sa, sb = (sc.Scenario.from_dict(self.db.load(n).payload) for n in (a, b))
        ra = sc.compute(sc.inputs_from_store(store, sa.unit, sa.metric, demo=demo), sa)
        rb = sc.compute(sc.inputs_from_store(store, sb.unit, sb.metric, demo=demo), sb)
        return sa, sb, ra, rb

    def comparison(self, store, a: str, b: str, lang: str, unit_name=lambda u: u, demo: bool | None = None):
        """The Compare tab: (rows of the two scenarios' settings and results side by side, headed "A · name" and
        "B · name", the statuses of their figures, None), or (None, None, a message) when one cannot be read."""
        try:
            sa, sb, ra, rb = self.compare(store, a, b, demo=demo)
        except (scenario_store.NotFound, sc.ScenarioFormatError) as exc:
            return None, None, ("error", "scenarios.msg.unreadable", {"name": "", "error": str(exc)})
        rows = sc.compare_rows(sa, sb, ra, rb, lang, f"A · {a}", f"B · {b}", unit_name)
        return rows, ra.statuses | rb.statuses, None

    def open_index(self, names: list[str]) -> int:
        """Where the list of saved scenarios starts: at the open one, else the first."""
        loaded_name = (self.loaded or {}).get("name")
        return names.index(loaded_name) if loaded_name in names else 0

    # -- the save form --------------------------------------------------------------------------------------------
    def typed(self, key: str) -> str:
        return self.state.get(key, "")

    def prefill_form(self) -> None:
        """The name box shows the open scenario's name (again whenever another one is opened); the author box the
        author last typed in this session."""
        loaded_name = (self.loaded or {}).get("name")
        if SAVE_NAME not in self.state or self.state.get(_NAME_FOR) != loaded_name:
            self.state[SAVE_NAME], self.state[_NAME_FOR] = loaded_name or "", loaded_name
        self.state.setdefault(SAVE_AUTHOR, self.author)

    def save_form(self) -> bool:
        return self.save(self.typed(SAVE_NAME), self.typed(SAVE_AUTHOR), self.typed(SAVE_NOTE))

    def duplicate_form(self, name: str) -> bool:
        """Copy `name` under the name typed for the copy (the box empties when done)."""
        done = self.duplicate(name, self.typed(DUPLICATE_NAME), author=self.typed(SAVE_AUTHOR))
        if done:
            self.state[DUPLICATE_NAME] = ""
        return done

    def confirm_delete_form(self) -> None:
        self.confirm_delete(author=self.typed(SAVE_AUTHOR))

    def restore_form(self, name: str) -> None:
        self.restore(name, author=self.typed(SAVE_AUTHOR))

    def campaign_years(self) -> list[int]:
        """The years a campaign can start (after the last observed year); a draft starting elsewhere moves to the
        first of them."""
        years = campaign_years(self.inputs.last_year if self.inputs is not None else None)
        if self.draft.growth.campaign_from not in years:
            self.set_growth(campaign_from=years[0])
        return years

    # -- messages -------------------------------------------------------------------------------------------------
    def flash(self, kind: str, key: str, **params) -> None:
        """The outcome of an action (kind: success, warning or error; key: the message), shown on the next run."""
        self.state[FLASH] = (kind, key, params)

    def take_flash(self) -> tuple[str, str, dict] | None:
        """The message waiting to be shown, once: taking it removes it."""
        return self.state.pop(FLASH, None)


def _latest_fields(latest: scenario_store.SavedScenario | None) -> dict:
    return {"latest": latest.version if latest else None, "author": latest.author if latest else "",
            "deleted": bool(latest and latest.deleted), "created_at": latest.created_at if latest else None}


# -- the page's rules (plain functions) -------------------------------------------------------------------------------
def open_store() -> tuple[scenario_store.ScenarioStore | None, Exception | None]:
    """The configured scenario database (one connection pool per process), or None and why it cannot be opened."""
    try:
        return scenario_store.default_store(), None
    except Exception as exc:  # noqa: BLE001 - a bad URL or driver error: the what-if part still works
        return None, exc


def default_extra_per_year(denominator) -> int:
    """A round default for 'persons a year': about 0.5 % of the latest denominator (0.5 points a year), two
    significant digits; 1,000 without a denominator."""
    den = dict(denominator)
    if not den:
        return 1000
    raw = 0.005 * den[max(den)]
    magnitude = 10 ** max(len(str(int(raw))) - 2, 0)
    return int(round(raw / magnitude) * magnitude)


def campaign_years(last_year: int | None) -> list[int]:
    """The years a campaign can start: after the last observed year, up to the horizon."""
    first = (last_year or 2025) + 1
    return list(range(first, sc.HORIZON + 1)) or [sc.HORIZON]


DENOMINATOR_FIELDS = (("population", "population_growth_pct"), ("labour_force", "labour_force_growth_pct"))


def denominator_rates(store, unit: str) -> dict[str, float | None]:
    """The baseline growth (% a year) of each denominator of `unit` (population, labour force) from its estimates."""
    out = {}
    for den_metric, _ in DENOMINATOR_FIELDS:
        series = store.series(unit, den_metric)[["year", "value"]]
        out[den_metric] = sc.baseline_growth_pct(tuple((int(y), float(v)) for y, v in series.itertuples(index=False)))
    return out
