#!/usr/bin/env bash
# Install everything the tests need — Debian's chromium (for the real-browser tests) and
# the Python test extras — then run the linters and the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not e2e"`.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if ! command -v chromium >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-dejavu-core
fi

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
python3 -m ruff check backend tests
python3 -m ruff format --check backend tests
python3 -m pytest "$@"
