#!/usr/bin/env bash
# Install everything the tests need — Debian's chromium (real-browser tests), nginx (the
# course deployment's cache) and poppler-utils (pdftotext: the print test reads the PDF), a virtual environment in .venv with the Python test extras —
# then run the linters and the whole test suite.  Works on a fresh Debian 12 / Ubuntu 24.04
# (system Python is "externally managed", PEP 668: nothing is pip-installed outside .venv).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not e2e"`.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
APT_UPDATED=""
apt_install() {
    if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}
if ! command -v chromium >/dev/null 2>&1; then apt_install chromium fonts-dejavu-core; fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then apt_install nginx; fi
if ! command -v pdftotext >/dev/null 2>&1; then apt_install poppler-utils; fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    if ! "$PY" -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        ver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install "python${ver}-venv" || apt_install python3-venv
        "$PY" -m venv .venv
    fi
fi
export PATH="$PWD/.venv/bin:$PATH"
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
python -m ruff check backend tests
python -m ruff format --check backend tests
python -m pytest "$@"
