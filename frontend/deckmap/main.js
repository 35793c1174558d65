// The Map page's map (a Streamlit component, protocol v1, without a build step).
//
// Python describes the map with pydeck (lib/maps/deck.py) and sends its JSON. Layer data are URLs of content-named
// files written by lib/maps/assets.py: the geometry of the units drawn (fetched once, then kept by deck.gl while the
// URL stays the same) and the view's data file (every year's colour class, demo flag and tooltip lines). A year step,
// a new highlight or a play run therefore sends no geometry: only the arguments below change.
//
// Arguments: spec (pydeck JSON), data (URL), year, highlight (uid or null), height (px of the map), bounds
// ([west, south, east, north] the first view fits), fit (presenter mode: the map takes the window's height less
// `reserve` pixels), text ({play, stop, play_help, year_label, missing}), play_ms (ms a year while playing).
// For tests and the benchmark the page exposes window.__deckmapView, __deckmapYears and __deckmapDrawn.
// Value sent back: {event: "click", uid, n} or {event: "year", year, n}; n grows with every event.
(function () {
  "use strict";
  const D = window.deck;
  const marks = window.__deckmapTimes = {script: performance.now()};  // milestones, for the benchmark
  const $ = (id) => document.getElementById(id);
  const post = (type, extra) => window.parent.postMessage(Object.assign({isStreamlitMessage: true, type}, extra), "*");

  let deckgl = null, args = null, specText = null, viewText = null, layersFromSpec = [], mapHeight = 0;
  let data = null, dataUrl = null, year = null, argsYear = null, playing = null, counter = 0, hovered = null;
  let features = null, featuresUrl = null;  // the units' features once loaded (for the highlight outline)

  function config() {
    const classes = {};
    for (const [name, value] of Object.entries(D)) {
      if (typeof value === "function" && /(Layer|View|Extension)$/.test(name)) classes[name] = value;
    }
    return new D.JSONConfiguration({classes});
  }
  const converter = D.JSONConverter ? new D.JSONConverter({configuration: config()}) : null;

  function send(value) {
    counter += 1;
    post("streamlit:setComponentValue", {value: Object.assign({n: counter}, value), dataType: "json"});
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  // -- what each feature shows in the year drawn ------------------------------------------------------------------
  function yearKey() { return String(year); }
  function classOf(i) {
    const c = data && data.cls[yearKey()];
    return c ? c[i] : -1;
  }
  function fillOf(f) {
    const k = classOf(f.properties.i);
    return k >= 0 ? data.palette[k] : data.no_data;
  }
  function isDemo(f) {
    if (!f || !f.properties) return false;
    const d = data && data.demo[yearKey()];
    return !!(d && d[f.properties.i]);
  }

  function tooltipHtml(i) {
    const lines = data.tips[yearKey()];
    const name = data.names[i];
    let html = "<b>" + esc(name) + "</b>";
    const row = lines ? lines[i] : null;
    if (row) {
      row.forEach((s, k) => {
        if (s < 0) return;
        const text = esc(data.strings[s]);
        html += "<br>" + (k === row.length - 1 ? '<span class="dim">' + text + "</span>" : text);
      });
    }
    return html;
  }

  function showTip(info) {
    const tip = $("tip");
    const f = info && info.object;
    if (!f || !data || classOf(f.properties.i) === -2) {
      tip.style.display = "none";
      hovered = null;
      return;
    }
    hovered = f.properties.i;
    tip.innerHTML = tooltipHtml(hovered);
    tip.style.display = "block";
    placeTip(info.x, info.y);
  }

  function placeTip(x, y) {
    // Keep the tooltip inside the map: to the left of the pointer near the right edge, above it near the bottom.
    const tip = $("tip"), wrap = $("wrap");
    const w = tip.offsetWidth, h = tip.offsetHeight, W = wrap.clientWidth, H = wrap.clientHeight, gap = 14;
    let left = x + gap, top = y + gap;
    if (left + w > W - 4) left = Math.max(4, x - gap - w);
    if (top + h > H - 4) top = Math.max(4, y - gap - h);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  // -- layers: those of the spec, with the per-view accessors attached by id ---------------------------------------
  function layers() {
    const key = (dataUrl || "") + "|" + year;
    const hl = args.highlight || "";
    const line = layersFromSpec.find((l) => l.id === "units");
    const demoLine = args.demo_line, unitLine = line ? line.props.getLineColor : [255, 255, 255, 230];
    const out = [];
    for (const layer of layersFromSpec) {
      if (layer.id === "units") {
        // demo units: muted fill (from the data file) and a dashed dark outline; others a thin solid line
        const url = layer.props.data;
        out.push(layer.clone({
          getFillColor: fillOf,
          getLineColor: (f) => (isDemo(f) ? demoLine : unitLine),
          getDashArray: (f) => (isDemo(f) ? [3, 2] : [0, 0]),
          getLineWidth: (f) => (isDemo(f) ? args.demo_width : layer.props.getLineWidth),
          onDataLoad: (value) => {
            if (!marks.geometry) marks.geometry = performance.now();
            features = value && value.features; featuresUrl = url; redraw();
          },
          updateTriggers: {getFillColor: key, getLineColor: key, getDashArray: key, getLineWidth: key}}));
      } else if (layer.id === "highlight") {
        const f = hl && features && featuresUrl === (line && line.props.data) ?
          features.find((x) => x.properties.uid === hl) : null;
        out.push(layer.clone({data: f ? [f] : [], visible: !!f}));
      } else {
        out.push(layer);
      }
    }
    return out;
  }

  function redraw() {
    if (!deckgl) return;
    deckgl.setProps({layers: layers()});
    $("yearText").textContent = year === null ? "" : String(year);
    if (hovered !== null && $("tip").style.display === "block") $("tip").innerHTML = tooltipHtml(hovered);
  }

  function onClick(info) {
    const f = info && info.object;
    if (!f || !data || classOf(f.properties.i) === -2) return;
    send({event: "click", uid: f.properties.uid});
  }

  function heightWanted() {
    if (!args.fit) return args.height;
    // presenter mode: as tall as the window allows, below the frame's top, leaving `reserve` pixels under the map
    try {
      const top = window.frameElement.getBoundingClientRect().top + window.parent.scrollY;
      return Math.max(240, Math.min(args.height * 2, window.parent.innerHeight - top - args.reserve - 44));
    } catch (e) {
      return args.height;
    }
  }

  function report(vs) {
    window.__deckmapView = {longitude: vs.longitude, latitude: vs.latitude, zoom: vs.zoom,
                            width: $("map").clientWidth, height: $("map").clientHeight};
  }

  function fitted() {
    const b = args.bounds, w = $("map").clientWidth || 600, h = mapHeight || args.height;
    const vp = new D.WebMercatorViewport({width: w, height: h});
    const pad = Math.round(Math.min(w, h) * 0.06);
    const v = vp.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: pad, maxZoom: 11});
    return {longitude: v.longitude, latitude: v.latitude, zoom: v.zoom, pitch: 0, bearing: 0,
            minZoom: 3.5, maxZoom: 13};
  }

  function ensureDeck(props) {
    mapHeight = heightWanted();
    $("wrap").style.height = mapHeight + "px";
    if (!deckgl) {
      deckgl = new D.Deck(Object.assign({}, props, {
        parent: $("map"), width: "100%", height: "100%", controller: true,
        onHover: showTip, onClick, getCursor: ({isHovering}) => (isHovering ? "pointer" : "grab"),
        onViewStateChange: ({viewState}) => { report(viewState); $("tip").style.display = "none"; },
        onAfterRender: () => {
          const units = deckgl && deckgl.layerManager && deckgl.layerManager.getLayers().find((l) => l.id === "units");
          if (data && units && units.isLoaded) {
            if (!marks.drawn) marks.drawn = performance.now();
            window.__deckmapDrawn = (window.__deckmapDrawn || 0) + 1;
            window.__deckmapDrawnYear = year;
            if (window.__deckmapStepStart) {  // for the benchmark: a year step, input to frame drawn
              window.__deckmapStepMs = performance.now() - window.__deckmapStepStart;
              window.__deckmapStepStart = 0;
            }
          }
        },
        layers: layers(),
      }));
      window.__deckmapDeck = deckgl;  // for tests: pick, view
    }
  }

  // -- timeline -------------------------------------------------------------------------------------------------------
  function years() { return data ? data.years : []; }
  function setYear(y) {
    year = y;
    const ys = years(), k = ys.indexOf(y);
    if (k >= 0) $("year").value = String(k);
    redraw();
  }
  function stop(report) {
    if (playing !== null) { clearInterval(playing); playing = null; }
    $("play").textContent = args.text.play;
    if (report) send({event: "year", year});
  }
  function play() {
    const ys = years();
    if (ys.length < 2) return;
    if (ys.indexOf(year) >= ys.length - 1) setYear(ys[0]);  // from the last year, play starts again
    $("play").textContent = args.text.stop;
    playing = setInterval(() => {
      const k = ys.indexOf(year);
      if (k >= ys.length - 1) { stop(true); return; }
      setYear(ys[k + 1]);
      if (k + 1 >= ys.length - 1) stop(true);
    }, args.play_ms || 450);
  }
  $("play").addEventListener("click", () => (playing !== null ? stop(true) : play()));
  $("year").addEventListener("input", () => {
    stop(false);
    window.__deckmapStepStart = performance.now();
    setYear(years()[Number($("year").value)]);
  });
  $("year").addEventListener("change", () => send({event: "year", year}));

  function timeline() {
    const ys = years();
    $("bar").hidden = ys.length < 2;
    $("year").max = String(Math.max(0, ys.length - 1));
    $("year").setAttribute("aria-label", args.text.year_label);
    $("play").title = args.text.play_help;
    if (playing === null) $("play").textContent = args.text.play;
    const k = ys.indexOf(year);
    if (k >= 0) $("year").value = String(k);
    window.__deckmapYears = ys;
    post("streamlit:setFrameHeight", {height: mapHeight + (ys.length < 2 ? 0 : 44)});
  }

  // -- a render from Python ------------------------------------------------------------------------------------------
  async function loadData(url) {
    if (url === dataUrl) return;
    const response = await fetch(url);
    const next = await response.json();
    dataUrl = url;
    data = next;
  }

  async function render(a) {
    args = a;
    if (!marks.render) marks.render = performance.now();
    if (!converter) {
      $("missing").hidden = false;
      $("missing").textContent = a.text.missing;
      return;
    }
    if (a.spec !== specText) {
      const json = JSON.parse(a.spec);
      const props = converter.convert(json);
      layersFromSpec = props.layers || [];
      specText = a.spec;
      ensureDeck(props);
      const vt = JSON.stringify([a.bounds, mapHeight]);
      if (vt !== viewText) {  // a new view to fit (drill-down, search); otherwise the user's pan and zoom stay
        viewText = vt;
        const initial = a.bounds ? fitted() : props.initialViewState;
        deckgl.setProps({initialViewState: initial});
        report(initial);
      }
    }
    await loadData(a.data);
    if (!marks.data) marks.data = performance.now();
    if (a.year !== argsYear) {  // Python moved the year (sidebar, link); an echo of our own step changes nothing
      argsYear = a.year;
      if (playing === null || a.year !== year) year = a.year;
    }
    if (year === null || years().indexOf(year) < 0) year = a.year;
    timeline();
    redraw();
    window.__deckmapReady = (window.__deckmapReady || 0) + 1;
  }

  function onResize() {
    if (!args || !deckgl || !args.fit) return;
    const h = heightWanted();
    if (Math.abs(h - mapHeight) < 4) return;
    mapHeight = h;
    $("wrap").style.height = h + "px";
    viewText = null;
    deckgl.setProps({initialViewState: fitted()});
    timeline();
  }
  try { window.parent.addEventListener("resize", onResize); } catch (e) { /* another origin */ }

  window.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg && msg.type === "streamlit:render") render(msg.args);
  });
  post("streamlit:componentReady", {apiVersion: 1});
})();
