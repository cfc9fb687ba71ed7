# Deep Learning 101, from scratch.
#   make lab    create .venv if missing, install, open JupyterLab on the first lesson
#   make test   create .venv if missing, install, run the whole test suite (notebooks too)
#   make notebooks  re-execute the lessons and store their outputs
#   make bench  time mlp against scikit-learn, PyTorch and the GEMM floor; write benchmarks/RESULTS.md
#   make lock   refresh constraints.txt, the pinned versions every install uses (then: make notebooks test)
# Needs only Python 3 (>= 3.11) and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FIRST_NOTEBOOK := $(firstword $(sort $(wildcard notebooks/*.ipynb)))
# Jupyter refuses to run as root (as in containers and CI) unless told it may.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port=9999"
LAB_ARGS ?=

.PHONY: lab test notebooks bench install lock clean

# nbval: strict output comparison of every lesson, sanitised for memory addresses.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=120

install: $(STAMP)

# Reinstall whenever the dependency list or the pinned versions change. Every install takes the exact
# versions of constraints.txt, those the stored notebook outputs were made with.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The newest releases that pyproject.toml's ranges allow, installed in a scratch venv and written to
# constraints.txt (its header kept). Then `make notebooks test` and review `git diff` before committing.
LOCK_VENV := .venv-lock
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[dev]'
	grep '^#' constraints.txt > $(LOCK_VENV)/constraints.txt
	$(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable | grep -v -e '^setuptools==' -e '^-e ' >> $(LOCK_VENV)/constraints.txt
	mv $(LOCK_VENV)/constraints.txt constraints.txt
	rm -rf $(LOCK_VENV)
	@echo "constraints.txt refreshed: now run make notebooks test, and review git diff constraints.txt notebooks solutions"

lab: $(STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/$(or $(FIRST_NOTEBOOK),notebooks) $(LAB_ARGS)

# One BLAS thread: the course's matrices are small (threads only add overhead, badly so on a
# busy machine), and stored notebook outputs are compared to the last printed digit.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

# The browser tests (tests/browser: JupyterLab and Voila in Chromium) run last and alone: beside the rest of the
# suite on both cores, Voila's page twice showed "Error displaying widget: model not found" in CI (ipywidgets'
# page gives the kernel 4 s to send every widget's state, then falls back to asking widget by widget).
# The rest of the suite runs on every core (pytest-xdist; PYTEST_WORKERS=1 for one): a test module, or a notebook under
# one BLAS setting, stays on one worker, the slowest first (conftest.py). conftest.py also compares the
# notebooks under two other OpenBLAS kernels, with 2 BLAS threads and with numpy's exp, log, ... one ulp off
# (tests/ulp_noise.py). PYTEST_ARGS=... adds options.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: $(STAMP)
	MLP_PROGRESS=0 $(BIN)/python -m pytest $(NBVAL) -n $(PYTEST_WORKERS) --dist loadscope --no-loadscope-reorder \
		-m "not browser" $(PYTEST_ARGS) tests notebooks solutions
	MLP_PROGRESS=0 $(BIN)/python -m pytest -p no:xdist -m browser $(PYTEST_ARGS) tests/browser || [ $$? -eq 5 ]

# Re-execute the lessons and the worked solutions and refresh their stored outputs
# (NOTEBOOKS=... for some of them); exercises/ stays output-free (python -m mlp.grader build).
notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(NOTEBOOKS)

# Benchmarks (benchmarks/): medians of 5 repeats by default, 26-45 minutes (with AVX-512 or not) with the speed matrix (fit's defaults
# against scikit-learn and PyTorch on 135 cells); BENCH_ARGS="--quick" times the four training workloads only.
# PyTorch is an optional extra (.[bench]); if it cannot be installed, its column is skipped with a note.
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]' || echo "PyTorch could not be installed: the benchmarks skip it"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .hypothesis *.egg-info
