# One-command set-up: `make run` and `make test` create .venv, install the pinned requirements,
# build what must be built (bundled data, boundaries), then run the app or the whole test suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test build bench lock clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Builds derived data (demo panel, denominators, boundary layers) into ignored folders; skipped when up to date.
# Also vendors deck.gl for the map (npm ci + esbuild of frontend/deckmap/npm, at set-up only; nothing is fetched
# at run time).
build: $(VENV)/.installed
	$(PY) -m lib.bundled.build
	$(PY) -m lib.maps.vendor

# lib.serve runs `streamlit run app.py` with the environment lib/memory.py needs (PYTHONMALLOC=malloc, and jemalloc
# when installed) so that memory freed after sessions end goes back to the system
run: build
	$(PY) -m lib.serve --server.port $(PORT)

test: build
	$(PY) -m pytest -q

bench: build
	$(PY) bench/run_all.py

lock:
	rm -rf /tmp/vnsi-lock && $(PYTHON) -m venv /tmp/vnsi-lock && /tmp/vnsi-lock/bin/pip install -q -r requirements.in \
	  && (echo '# Pinned: a pip freeze of a fresh venv built from requirements.in (Python 3.11). Regenerate with `make lock`.'; \
	      /tmp/vnsi-lock/bin/pip freeze) > requirements.txt

clean:
	rm -rf $(VENV) data/build geo/build geo/cache frontend/deckmap/vendor frontend/deckmap/cache
