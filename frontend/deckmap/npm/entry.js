// What the map component's bundle (vendor/deck.min.js, window.deck) holds: the parts of deck.gl that main.js and
// the layers described in lib/maps/deck.py use. A layer, view or extension type added in deck.py must be exported
// here too (tests/test_map_deck.py checks every "@@type" of a built spec against this list).
export {Deck, MapView, WebMercatorViewport} from "@deck.gl/core";
export {GeoJsonLayer, ScatterplotLayer, TextLayer} from "@deck.gl/layers";
export {CollisionFilterExtension, PathStyleExtension} from "@deck.gl/extensions";
export {JSONConfiguration, JSONConverter} from "@deck.gl/json";
