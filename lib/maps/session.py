"""The Map page's own state between reruns, over any mutable mapping (Streamlit's session state in the app, a plain
dict in tests): whether the year plays and when it last stepped (the pydeck chart's timer; the component plays in
the browser), the unit a name search zooms to, and which map event or selection was already applied (a rerun must
not apply a click twice, nor miss one its callback did not see). No Streamlit here: the page draws, this decides.

The shared view (year, unit, level, area) changes only through `change_view` (the page passes ui.change_view).
"""
from __future__ import annotations

from typing import Callable, MutableMapping

from lib import urlstate
from lib.maps import pydeck_chart
from lib.maps.scope import default_unit

PLAY, PLAY_STEP, ZOOM, PICK = "map_playing", "map_play_step", "map_zoom", "map_pick"
PLAY_SECONDS = 1.5  # a year a step when the pydeck chart's timer plays (the component plays faster, in the browser)
NO_SELECTION = "{}"


class MapSession:
    def __init__(self, state: MutableMapping, change_view: Callable[..., object] | None = None):
        self.state = state
        self._change_view = change_view or (lambda **changes: state.update(urlstate.validate_changes(changes)))

    # -- play (the pydeck chart's timer) ----------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return bool(self.state.get(PLAY, False))

    def stop(self) -> None:
        self.state[PLAY] = False

    def toggle_play(self, years: list[int], year: int | None, now: float) -> bool:
        """Play (from the first year when the last is shown) or stop; returns whether it plays now."""
        playing = not self.playing
        self.state[PLAY] = playing
        if playing:
            if year == years[-1]:
                self._change_view(year=years[0])
            self.state[PLAY_STEP] = now
        return playing

    def play_step(self, years: list[int], year: int, now: float) -> int | None:
        """While playing, on a rerun: the next year once a step's time has passed (the view moves to it), the same
        year between two steps, or None after the last year (play stops)."""
        if now - self.state.get(PLAY_STEP, 0) < PLAY_SECONDS * 0.8:  # a rerun between two steps
            return year
        later = [y for y in years if y > year]
        if not later:
            self.stop()
            return None
        self._change_view(year=later[0])
        self.state[PLAY_STEP] = now
        return later[0]

    # -- search -----------------------------------------------------------------------------------------------------
    def found(self, changes: dict, level: str, area: str, uid: str) -> None:
        """A unit chosen from the name search: the map zooms to it while the view it opens lasts."""
        self.state[ZOOM] = (changes.get("level", level), changes.get("area", area), uid)

    def zoom_to(self, level: str, area: str) -> str | None:
        zoom = self.state.get(ZOOM)
        return zoom[2] if zoom and tuple(zoom[:2]) == (level, area) else None

    # -- events from the map ----------------------------------------------------------------------------------------
    def component_event(self, key: str, value, uids) -> bool:
        """An event of the map component (`value`: {n, event: click|year|drawn, uid|year}): a click selects a unit, a
        year chosen on its timeline becomes the view's year, "drawn" changes nothing (the rerun it causes draws the
        rest of a page that waited for the map: lib.ui.map_first). False when this event was already applied."""
        if not isinstance(value, dict) or (key, value.get("n")) == self.state.get(PICK):
            return False
        self.state[PICK] = (key, value.get("n"))
        if value.get("event") == "click" and value.get("uid") in uids:
            self._change_view(unit=value["uid"])
        elif value.get("event") == "year" and isinstance(value.get("year"), int):
            self._change_view(year=value["year"])
        return True

    def picked(self, key: str, event, uids, area: str) -> None:
        """A selection on the pydeck chart: the unit clicked, or with none the province drilled into."""
        self.state[PICK] = (key, pydeck_chart.selection_signature(event))
        self._change_view(unit=pydeck_chart.picked_unit(event, uids) or default_unit(area))

    def unseen_pick(self, key: str, event, uids, area: str) -> bool:
        """Apply a selection the chart's callback did not see (one set by a test, or left from before a rerun);
        True when the view changed. Another chart's selection is gone with it."""
        signature = pydeck_chart.selection_signature(event)
        applied_key, applied = self.state.get(PICK, (key, NO_SELECTION))
        if applied_key != key:
            applied = NO_SELECTION
        self.state[PICK] = (key, signature)
        if signature == applied:
            return False
        self._change_view(unit=pydeck_chart.picked_unit(event, uids) or default_unit(area))
        return True


BOUNDARIES, BOUNDARY_RESULT, UPLOADER_GEN = "map_boundaries", "map_boundary_result", "_map_uploader_gen"


class BoundaryUploads:
    """The user's own boundaries over any mutable mapping: level -> BoundaryUpload (lib/geo/upload.py), drawn
    instead of ours, and the last upload's result (UploadResult), shown until the next upload."""

    def __init__(self, state: MutableMapping):
        self.state = state

    @property
    def in_use(self) -> dict:
        return self.state.get(BOUNDARIES, {})

    @property
    def last_result(self):
        return self.state.get(BOUNDARY_RESULT)

    @property
    def uploader_key(self) -> str:
        """The file box's key: a new one after each file read, so the box empties for the next file."""
        return f"_map_uploader_{self.state.setdefault(UPLOADER_GEN, 0)}"

    def received(self, result) -> None:
        """A file was read: its boundaries replace the level's (when it loaded) and its report is kept to show."""
        if result.ok:
            self.state[BOUNDARIES] = {**self.in_use, result.upload.level: result.upload}
        self.state[BOUNDARY_RESULT] = result
        self.state[UPLOADER_GEN] = self.state.get(UPLOADER_GEN, 0) + 1

    def remove(self, level: str) -> None:
        """Back to our boundaries at `level`."""
        self.state[BOUNDARIES] = {k: v for k, v in self.in_use.items() if k != level}
