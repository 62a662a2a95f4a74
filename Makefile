# sheetnilai developer commands. `make demo` and `make test` set up .venv themselves.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv demo test lint format bench templates wheel clean

help: ## Daftar perintah
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## Buat .venv dan pasang sheetnilai beserta alat pengembang

demo: $(STAMP) ## Jalankan sheetnilai atas contoh data bawaan
	$(BIN)/sheetnilai demo

# One worker per core (pytest-xdist), a test file per worker: a module's fixtures (its
# LibreOffice recalculations) are built once. One file alone: `.venv/bin/pytest tests/FILE`.
test: $(STAMP) ## Jalankan seluruh pengujian
	$(BIN)/pytest -q -n auto --dist loadfile

lint: $(STAMP) ## ruff dan mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src/sheetnilai/rules src/sheetnilai/problems.py src/sheetnilai/messages.py
	$(BIN)/mypy src/sheetnilai

format: $(STAMP) ## Rapikan kode dengan ruff
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP) ## Jalankan tolok ukur di bench/
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

templates: $(STAMP) ## Buat ulang templat kosong di sheet_templates/
	@for s in triwulan semester bulanan; do \
		$(BIN)/sheetnilai templat kosong --skema $$s --timpa sheet_templates/templat-skp-$$s.xlsx; \
	done

wheel: $(STAMP) ## Buat paket pemasangan dist/sheetnilai-VERSI-py3-none-any.whl (untuk Windows/xlwings)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

clean: ## Hapus .venv dan berkas sementara
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/pyodide/node_modules dist
