// The Map page's map (a Streamlit component, protocol v1, without a build step).
//
// Python describes the map with pydeck (lib/maps/deck.py) and sends its JSON. Layer data are URLs of content-named
// files written by lib/maps/assets.py: the geometry of the units drawn (fetched once by this script, kept while the
// view lasts, handed to deck.gl parsed) and the view's data file (every year's colour class, demo flag and tooltip
// lines). A year step, a new highlight or a play run therefore sends no geometry: only the arguments below change.
// Cold load: index.html preloads deck.gl's bundle and loads this script, which loads deck.gl at once (loadDeck); the
// first render sizes the frame and requests the files meanwhile; the other layers follow the first frame of units.
//
// Arguments: spec (pydeck JSON), data (URL), year, highlight (uid or null), height (px of the map), bounds
// ([west, south, east, north] the first view fits), fit (presenter mode: the map takes the window's height less
// `reserve` pixels), text ({play, stop, play_help, year_label, missing}), play_ms (ms a year while playing).
// For tests and the benchmark the page exposes window.__deckmapView, __deckmapYears and __deckmapDrawn.
// Value sent back: {event: "click", uid, n} or {event: "year", year, n}; n grows with every event.
(function () {
  "use strict";
  let D = null;  // deck.gl, once its bundle is loaded (loadDeck)
  const marks = window.__deckmapTimes = {script: performance.now()};  // milestones, for the benchmark
  const $ = (id) => document.getElementById(id);
  const post = (type, extra) => window.parent.postMessage(Object.assign({isStreamlitMessage: true, type}, extra), "*");

  let deckgl = null, args = null, specText = null, viewText = null, layersFromSpec = [], mapHeight = 0;
  let data = null, dataUrl = null, year = null, argsYear = null, playing = null, counter = 0, hovered = null;
  let features = null, featuresUrl = null;  // the units' features once loaded (for the highlight outline)
  let converter = null, deckState = "none";  // none | loading | ready | failed
  const files = {}, fetching = {};  // url -> parsed JSON of the spec's data files (fetched by us, in parallel)
  let specUrls = {};  // layer id -> URL of its data file, from the spec (deck.gl gets the parsed file, never the URL)

  function config() {
    const classes = {};
    for (const [name, value] of Object.entries(D)) {
      if (typeof value === "function" && /(Layer|View|Extension)$/.test(name)) classes[name] = value;
    }
    return new D.JSONConfiguration({classes});
  }

  // -- loading: deck.gl's bundle and the data files are fetched side by side (a cold load waits for the slower) ----
  function script(src) {
    return new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src; el.onload = resolve; el.onerror = reject;
      document.head.appendChild(el);
    });
  }
  function loadDeck() {  // one bundle of the deck.gl parts used here (lib/maps/vendor.py), preloaded by index.html
    if (deckState !== "none") return;
    deckState = "loading";
    script("vendor/deck.min.js")
      .then(() => {
        D = window.deck;
        converter = D && D.JSONConverter ? new D.JSONConverter({configuration: config()}) : null;
        deckState = converter ? "ready" : "failed";
        marks.deck = performance.now();
      })
      .catch(() => { deckState = "failed"; })
      .then(() => { if (args) render(args); });
  }
  function want(url) {  // fetch a data file of the spec once; its layer draws when it is there
    if (typeof url !== "string" || fetching[url]) return;
    const job = fetching[url] = fetch(url).then((r) => r.json()).then((value) => {
      if (fetching[url] !== job) return;  // dropped meanwhile (another view)
      files[url] = value;
      if (!marks.geometry && url === unitsUrl()) marks.geometry = performance.now();
      redraw();
    }).catch((e) => { console.warn("deckmap: could not load", url, e); delete fetching[url]; });
  }
  function unitsUrl() { return specUrls.units || null; }

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
  // Until the first frame of coloured units, only the units are drawn: every other layer (borders, outlines, rings,
  // names) would add shaders to compile and data to prepare before that frame; they follow in the next one.
  function later(id) { return id !== "units" && !marks.drawn; }
  function layers() {
    const key = (dataUrl || "") + "|" + year;
    const hl = args.highlight || "";
    const line = layersFromSpec.find((l) => l.id === "units");
    const demoLine = args.demo_line, unitLine = line ? line.props.getLineColor : [255, 255, 255, 230];
    const out = [];
    for (const layer of layersFromSpec) {
      if (layer.id === "units") {
        // demo units: muted fill (from the data file) and a dashed dark outline; others a thin solid line
        const url = specUrls[layer.id], value = files[url];
        if (value && featuresUrl !== url) { features = value.features; featuresUrl = url; }
        out.push(layer.clone({
          data: value || [], visible: !!value,
          getFillColor: fillOf,
          getLineColor: (f) => (isDemo(f) ? demoLine : unitLine),
          getDashArray: (f) => (isDemo(f) ? [3, 2] : [0, 0]),
          getLineWidth: (f) => (isDemo(f) ? args.demo_width : layer.props.getLineWidth),
          updateTriggers: {getFillColor: key, getLineColor: key, getDashArray: key, getLineWidth: key}}));
      } else if (layer.id === "highlight") {
        const f = hl && features && featuresUrl === specUrls.units ?
          features.find((x) => x.properties.uid === hl) : null;
        out.push(layer.clone({data: f ? [f] : [], visible: !!f && !later(layer.id)}));
      } else if (specUrls[layer.id]) {  // a data file (borders, base, outline, names): drawn once it is there
        const value = files[specUrls[layer.id]];
        out.push(layer.clone({data: value || [], visible: !!value && !later(layer.id)}));
      } else {
        out.push(layer.clone({visible: !later(layer.id)}));
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
          if (data && units && units.props.visible && units.isLoaded) {
            if (!marks.drawn) {  // the first frame with the units' colours: now the other layers (see later())
              marks.drawn = performance.now();
              setTimeout(redraw, 0);
            }
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
    // for tests: the years shown, with when (a test reads the order and pace without racing the timer)
    const shown = window.__deckmapShown = window.__deckmapShown || [];
    shown.push({year: y, t: performance.now()});
    if (shown.length > 200) shown.splice(0, shown.length - 200);
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
  const dataFiles = {};  // url -> promise of the view's data file (one fetch per file, even while deck.gl loads)
  async function loadData(url) {
    if (url === dataUrl) return;
    if (!dataFiles[url]) dataFiles[url] = fetch(url).then((r) => r.json());
    let next;
    try {
      next = await dataFiles[url];
    } catch (e) {
      delete dataFiles[url];
      throw e;
    }
    if (args && args.data !== url) return;  // a newer view was asked for meanwhile
    dataUrl = url;
    data = next;
    for (const k of Object.keys(dataFiles)) if (k !== url) delete dataFiles[k];
  }

  async function render(a) {
    args = a;
    if (!marks.render) marks.render = performance.now();
    if (deckState !== "ready") {
      if (deckState === "failed") {
        $("missing").hidden = false;
        $("missing").textContent = a.text.missing;
        return;
      }
      // first render, deck.gl not there yet: give the frame its height now, fetch the files the map needs, and
      // load deck.gl meanwhile (it renders again once loaded)
      if (!mapHeight) {
        mapHeight = heightWanted();
        $("wrap").style.height = mapHeight + "px";
        post("streamlit:setFrameHeight", {height: mapHeight + 44});
      }
      try {
        specUrls = {};
        for (const layer of JSON.parse(a.spec).layers || []) {
          if (typeof layer.data === "string") { specUrls[layer.id] = layer.data; want(layer.data); }
        }
      } catch (e) { /* the spec is read again below once deck.gl is there */ }
      loadData(a.data).catch(() => {});
      loadDeck();
      return;
    }
    if (a.spec !== specText) {
      const json = JSON.parse(a.spec);
      const urls = [];
      specUrls = {};
      for (const layer of json.layers || []) {  // data files: fetched here (side by side), handed to deck.gl parsed
        if (typeof layer.data === "string") { specUrls[layer.id] = layer.data; urls.push(layer.data); layer.data = []; }
      }
      const props = converter.convert(json);
      layersFromSpec = props.layers || [];
      specText = a.spec;
      for (const url of Object.keys(fetching)) {  // keep only this view's files (a drill-down drops the last's)
        if (urls.indexOf(url) < 0) { delete fetching[url]; delete files[url]; }
      }
      urls.forEach(want);
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
  loadDeck();  // now, not at the first render: its parse overlaps Streamlit's first message
})();
