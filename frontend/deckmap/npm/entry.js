// What the map component's bundle (vendor/deck.min.js, window.deck) holds: the parts of deck.gl that the component's
// script (index.html) and the layers described in lib/maps/deck.py use. A layer, view or extension type added in
// deck.py must be exported here too (tests/test_maps_component.py checks every "@@type" of a built spec against it).
export {Deck, MapView, WebMercatorViewport} from "@deck.gl/core";
export {GeoJsonLayer, ScatterplotLayer, TextLayer} from "@deck.gl/layers";
export {CollisionFilterExtension, PathStyleExtension} from "@deck.gl/extensions";
export {JSONConfiguration, JSONConverter} from "@deck.gl/json";
