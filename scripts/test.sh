#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium for the browser test, nginx for the
# multi-server test, Java runtime for the Spark test, PostgreSQL for the scenario library's tests, started here on a
# free local port), then lint and test.
#
#   bash scripts/test.sh          everything: ruff, mypy, lint-imports, every test, the 20 slowest and the coverage
#   bash scripts/test.sh --fast   the inner loop (about a minute): the same checks and the unit tests
#                                 (pytest -m "not slow": no training, no CLI subprocess, no browser)
# Other arguments go to pytest (e.g. -k name).
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi
start=$SECONDS
# install_debian COMMAND PACKAGE PURPOSE: Debian's PACKAGE when COMMAND is missing (as root; else a warning)
install_debian() {
  if command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; then return; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's $2 for $3"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "warning: $1 not installed and not root; $3 will be skipped" >&2
  fi
}
if [ "$fast" = false ]; then
  install_debian chromium chromium "the browser test"
  install_debian nginx nginx "the multi-server test (deploy/serve.sh)"
  install_debian java openjdk-17-jre-headless "the Spark test"
fi
# --fast skips the installation when the test tools are there already (pip takes 10-15 s even with nothing to do);
# run without --fast after changing a requirements file
if [ "$fast" = false ] || ! python -c "import gmvplanner, importlinter, pytest_cov, pytest_rerunfailures, hypothesis" >/dev/null 2>&1; then
  python -m pip install -q -r requirements.txt -r requirements-spark.txt
fi
if [ -z "${GMV_TEST_POSTGRES_URL:-}" ]; then  # the scenario library's tests run on SQLite and on a real PostgreSQL
  GMV_TEST_POSTGRES_FOLDER_FILE="$(mktemp)"
  export GMV_TEST_POSTGRES_FOLDER_FILE
  url="$(bash scripts/test_postgres.sh)"
  pg_folder="$(cat "$GMV_TEST_POSTGRES_FOLDER_FILE")"
  if [ -n "$url" ] && [ -n "$pg_folder" ]; then
    export GMV_TEST_POSTGRES_URL="$url"
    stop_postgres() {
      local as_user=()
      [ "$(id -u)" = "0" ] && as_user=(runuser -u postgres --)
      "${as_user[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$pg_folder/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$pg_folder" "$GMV_TEST_POSTGRES_FOLDER_FILE"
    }
    trap stop_postgres EXIT
  fi
fi
ruff check .
mypy
lint-imports --no-logo --no-cache  # the layers and no import circles (contracts in pyproject.toml)
if [ "$fast" = true ]; then
  python -m pytest -m "not slow" -q "$@"
  echo "fast loop: $((SECONDS - start)) s"
else
  python -m pytest --durations=20 --cov=gmvplanner --cov-report=term:skip-covered "$@"
fi
