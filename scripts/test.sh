#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium for the browser test and Java runtime for the
# Spark test), then lint and test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser test"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: chromium not installed and not root; the browser test will be skipped" >&2
  fi
fi
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's Java runtime for the Spark test"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  else
    echo "warning: java not installed and not root; the Spark test will be skipped" >&2
  fi
fi
python -m pip install -q -r requirements.txt -r requirements-spark.txt
ruff check .
mypy
python -m pytest "$@"
