# The verbs a user types.  `make handouts` and `make test` do all the set-up they need.
#   make handouts        set up, extract, update every catalog, build every language
#   make test            set up, then type-check the package and run the whole test suite
#   make check           the release gate (what CI runs after the tests)
#   make extract | update | build | verify | init LANG=fr | status | approve LANG=es | review | review-terminal LANG=es | clean
#   make draft LANG=es   machine drafts with an installed Argos package; make bench: benchmarks

PYTHON ?= $(shell command -v python3.11 || command -v python3)
# PDFs are printed in parallel, one process per core (JOBS=1 for a serial build).
JOBS   ?= $(shell nproc 2>/dev/null || echo 1)
VENV   := .venv
BIN    := $(VENV)/bin
CLI    := $(BIN)/handouts
CODE   := $(wildcard pipeline/*.py) pyproject.toml
BUILD   = $(CLI) build --jobs $(JOBS) $(if $(SKIP_INCOMPLETE),--skip-incomplete)

# Debian packages the pipeline needs besides Python: GNU gettext (msgcat/msgmerge write the
# catalogs), fonts (fonts-noto-core: Noto Sans and the Noto faces of the other scripts; fonts-noto-cjk),
# and poppler's pdftotext (tests).  The tests print a PDF in every script of the §1557 languages,
# all of whose faces these two font packages hold on Debian 12.  The faces the configured languages
# need are asked of the pipeline once it is installed (the fonts stamp below).
# libharfbuzz-subset0 lets WeasyPrint subset fonts quickly (it falls back to fontTools, 3x slower).
# chromium: the reviewer workspace's browser tests drive Debian's Chromium headless.
SYSTEM_PACKAGES := gettext fontconfig fonts-noto-core fonts-noto-cjk poppler-utils libharfbuzz-subset0 chromium

.PHONY: help setup system-deps fonts handouts extract update build verify test init clean check status approve review review-terminal draft bench
.DEFAULT_GOAL := help

# The paths come from [tool.handouts] in pyproject.toml, read by the pipeline itself:
# `handouts settings --format make` (DOMAIN, DOCUMENTS_DIR, TEMPLATES_DIR, MAPPING_FILE,
# LOCALES_DIR, POT_FILE, GLOSSARY_FILE, OUTPUT_DIR, ...) writes them to a file that is remade, and
# re-read, whenever pyproject.toml changes.  help, setup and system-deps never read it, and clean
# reads it only once the virtual environment is installed, so these work on a fresh clone.  Every
# other goal installs the environment first (the rule depends on it) and stops if the settings
# cannot be written (a path with spaces, say, which Make cannot handle).  The file is `include`d,
# not `-include`d: GNU make silently ignores a failure to remake a `-include`d file.
SETTINGS := $(VENV)/handouts-settings.mk
GOALS    := $(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))
$(SETTINGS): pyproject.toml $(wildcard pipeline/config.py)
	$(CLI) settings --format make > $@.tmp
	@mv $@.tmp $@
ifneq ($(filter-out help setup system-deps clean,$(GOALS)),)
READ_SETTINGS := yes
$(SETTINGS): $(VENV)/.installed
else ifneq ($(and $(filter clean,$(GOALS)),$(wildcard $(VENV)/.installed)),)
READ_SETTINGS := yes
endif
ifdef READ_SETTINGS
include $(SETTINGS)
# Written for another folder (two copies of the project sharing one virtual environment): again.
ifneq ($(PROJECT_ROOT),)
ifneq ($(PROJECT_ROOT),$(CURDIR))
ifeq ($(MAKE_RESTARTS),)
.PHONY: settings-elsewhere
$(SETTINGS): settings-elsewhere
else
$(error $(SETTINGS) holds the settings of $(PROJECT_ROOT), not of $(CURDIR); remove it and run make again)
endif
endif
endif
endif

STAMPS    := $(OUTPUT_DIR)/.stamps
DOCUMENTS := $(wildcard $(DOCUMENTS_DIR)/*.md)
TEMPLATES := $(wildcard $(TEMPLATES_DIR)/*) $(MAPPING_FILE)
CATALOGS  := $(wildcard $(LOCALES_DIR)/*/LC_MESSAGES/$(DOMAIN).po)
GLOSSARY  := $(wildcard $(GLOSSARY_FILE))

help:
	@sed -n 's/^#   /  /p' $(firstword $(MAKEFILE_LIST)) | head -6

setup: system-deps $(VENV)/.installed

# Installs the Debian packages the shell variable $$missing names (" pkg pkg"; nothing when it is
# empty): as root on Debian or Ubuntu with apt-get, else it names the apt-get line to run and stops.
define install_missing
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages:$$missing" >&2; \
	    echo "Install them with: sudo apt-get install$$missing" >&2; exit 2; \
	  fi; \
	fi
endef

system-deps:
	@missing=""; \
	command -v msgmerge >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -q "Noto Naskh Arabic" || missing="$$missing fonts-noto-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0 || missing="$$missing libharfbuzz-subset0"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	$(install_missing)

# The fonts of the configured languages (the source language, every catalog, the language table and
# the definitions in pyproject.toml): pages are set in the Noto faces of each language's script
# (pipeline/fonts.py), and `handouts fonts --missing` names the Debian packages of the faces
# fontconfig lacks.  That needs the pipeline installed, so it is a second step after system-deps,
# asked again only when the languages with a catalog or pyproject.toml change: the list of catalog
# languages is written to a file only when it changes, and the stamp depends on that file.
fonts: $(STAMPS)/fonts

LANGUAGE_CODES = $(sort $(patsubst $(LOCALES_DIR)/%/LC_MESSAGES/$(DOMAIN).po,%,$(CATALOGS)))
$(STAMPS)/languages: FORCE
	@mkdir -p $(@D); echo '$(LANGUAGE_CODES)' | cmp -s - $@ || echo '$(LANGUAGE_CODES)' > $@
FORCE:

$(STAMPS)/fonts: $(STAMPS)/languages $(SETTINGS) | system-deps $(VENV)/.installed
	@missing="$$($(CLI) fonts --missing)" || exit 2; missing="$${missing:+ $$missing}"; \
	$(install_missing)
	@touch $@

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

handouts: setup $(STAMPS)/fonts $(STAMPS)/built
	@echo "Handouts: $(OUTPUT_DIR)/site/<lang>/*.html, $(OUTPUT_DIR)/handouts/*.<lang>.pdf; manifest $(OUTPUT_DIR)/release.json"

extract: setup
	$(CLI) extract

update: extract
	$(CLI) update

build: setup $(STAMPS)/fonts
	$(BUILD)

# Stamps make a second `make handouts` with nothing changed do nothing.
$(STAMPS)/extract: $(DOCUMENTS) $(TEMPLATES) $(CODE) | system-deps $(VENV)/.installed
	$(CLI) extract
	@mkdir -p $(@D) && touch $@

$(STAMPS)/update: $(STAMPS)/extract $(POT_FILE)
	$(CLI) update
	@touch $@

# One build for every language: the release decision needs every catalog (a language that is
# held back leaves every other page's language switcher), and the build itself writes only what
# changed and prints PDFs in parallel.  It exits 1 while a release language is held back, and
# leaves no stamp, so the next `make handouts` says so again; SKIP_INCOMPLETE=1 exits 0 for this
# run only (it never leaves a stamp either).
$(STAMPS)/built: $(STAMPS)/update $(DOCUMENTS) $(TEMPLATES) $(CATALOGS) $(GLOSSARY) $(CODE) | $(STAMPS)/fonts
	$(BUILD)
	@$(if $(SKIP_INCOMPLETE),true,mkdir -p $(@D) && touch $@)

init: setup
	$(need_lang)
	$(CLI) init $(LANG)

# mypy on the package, then the whole test suite.
test: setup
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The release gate; FORMAT=json|junit|github for CI systems.
check: setup
	$(CLI) check $(if $(FORMAT),--format $(FORMAT))

status: setup
	$(CLI) status

# Re-checks the output folder against its release.json (digests of every output; nothing else present).
verify: setup
	$(CLI) verify

define need_lang
	@test "$(origin LANG)" = "command line" || { echo "usage: make $@ LANG=<code>" >&2; exit 2; }
endef

# Approves every entry of LANG awaiting review (never drafts); the reviewer is REVIEWER,
# else $$HANDOUTS_REVIEWER, else git's user.name.
approve: setup
	$(need_lang)
	$(CLI) approve --lang $(LANG) --all $(if $(REVIEWER),--reviewer "$(REVIEWER)")

# Drafts untranslated entries of LANG (or of every language without LANG=...).
draft: update
	$(CLI) draft $(if $(filter command line,$(origin LANG)),--lang $(LANG))

# Benchmarks print ratios measured side by side in one run (about 10 minutes in all).
bench: setup
	$(BIN)/python benchmarks/bench_draft.py
	$(BIN)/python benchmarks/bench_merge.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_build.py

# The reviewer workspace in the browser (prints its address); review-terminal LANG=es walks the
# pending entries in the terminal instead.
review: setup
	$(CLI) workspace

review-terminal: setup
	$(need_lang)
	$(CLI) review $(LANG) $(if $(REVIEWER),--reviewer "$(REVIEWER)")

# Removes the configured output folder (OUTPUT_DIR).
clean:
ifneq ($(OUTPUT_DIR),)
	rm -rf -- $(OUTPUT_DIR)
else
	@echo "make clean: the output folder is read from pyproject.toml by the pipeline, which is not installed yet ('make setup'); nothing removed"
endif
