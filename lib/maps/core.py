"""Names lib/maps/deck.py and pages/collections.py still read here, from before the map's Python side was split by
concept (boundaries, scope, search, values, legend, features, notes, panel, pydeck_chart). Nothing else imports this
module; it goes once those two files import from the modules named below (both are being changed by other work).
"""
from lib.geo import layers  # noqa: F401
from lib.maps.boundaries import (MAP_HEIGHT, MAP_WIDTH, bounds, geometries, shape_of as _shape_of,  # noqa: F401
                                 uses_upload, view_for_bounds)
from lib.maps.pydeck_chart import (BASE_FILL, BASE_LINE, BORDER_LINE, COMMUNE_LINE, HIGHLIGHT_LINE,  # noqa: F401
                                   PIXELS, UNIT_LINE, CompactDeck)
from lib.maps.scope import Scope, units_in as _units_in  # noqa: F401
from lib.maps.values import level_scale  # noqa: F401
