# Two commands do all the set-up: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.json
SETUP  := $(STAMP) $(KERNEL_CONFIG)
# The JupyterLab set-up (settings, contents manager), installed by pip into .venv as on Binder.
LAB_FILES := $(wildcard binder/lab/*.json binder/lab/pyproject.toml binder/lab/backprop_lab/*.py)
BUILD_FLAGS := -W -n --keep-going
PORT   ?= 8000

# Tests run on every core; the tests that need the built book share one worker (conftest.py).
PYTEST := $(BIN)/python -m pytest -n auto --dist loadgroup
# The repository's own modules compiled before a run: where PYTHONDONTWRITEBYTECODE is set
# (these machines set it), every build kernel, test worker and sandboxed grading process
# would otherwise compile them again (0.9 s against 0.6 s to import them; __pycache__ is
# ignored by git and left out of the student edition).
COMPILE := $(BIN)/python -m compileall -q backprop tools/coursework/coursework book/_ext

.PHONY: book test check install clean serve lint student grade

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt pyproject.toml \
          tools/coursework/pyproject.toml $(LAB_FILES)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements-dev.txt
	@touch $(STAMP)

# ipykernel 7 logs a "WARNING | Kernel is running over TCP without encryption" line at every
# kernel start (a local build kernel needs no encryption); quiet it so a clean build prints
# no WARNING at all.
$(KERNEL_CONFIG): $(STAMP)
	mkdir -p $(dir $@)
	echo '{"IPKernelApp": {"log_level": "ERROR"}}' > $@

install: $(SETUP)

## book: build the HTML into _build/html (notebooks executed, results cached)
book: $(SETUP)
	$(COMPILE)
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)
	@echo "Open _build/html/index.html, or run: make serve"

## test: ruff, then every test: package, the -W build (each chapter runs there, once),
## the built book, and the book in Chromium
test: $(SETUP)
	$(BIN)/ruff check .
	$(COMPILE)
	$(PYTEST)

## check: ruff and the unit tests, no book build and no browser (about half a minute)
check: $(SETUP)
	$(BIN)/ruff check .
	$(COMPILE)
	$(PYTEST) -m "not book and not browser and not chapters and not grading"

## student: the student edition (solutions removed) as notebooks in _build_student/
student: $(SETUP)
	$(BIN)/python -m coursework student --root . --out _build_student

## grade: grade the notebooks in SUBMISSIONS=DIR (relative or absolute) in a bubblewrap
## sandbox; CSV and feedback in _build_grades/. GRADE_FLAGS="--chapter output-layer" etc.
grade: $(SETUP)
	@test -n "$(SUBMISSIONS)" || { echo "Say which folder: make grade SUBMISSIONS=path/to/notebooks"; exit 2; }
	$(COMPILE)
	$(BIN)/python -m coursework grade "$(SUBMISSIONS)" --root . --out _build_grades $(GRADE_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check .

## serve: read the built book at http://127.0.0.1:$(PORT)/
serve:
	@test -f _build/html/index.html || { echo "No built book yet: run 'make book' first."; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build _build_student _build_grades _build_nbgrader .pytest_cache
