#!/usr/bin/env bash
# Refresh tests/vendor/axe-core/ from npm at the pinned version. axe-core is the accessibility
# checker tests/test_pages_browser.py runs in Chromium on every page; it is a test tool, so
# it lives under tests/ and is never copied into the book. Needs npm. After it, run
# `pytest tests/test_pages_browser.py` (and update AXE_VERSION there).
set -euo pipefail
AXE="axe-core@4.14.1"

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "$AXE" >/dev/null
mkdir axe
tar -xzf axe-core-*.tgz -C axe --strip-components=1
rm -rf "$root/tests/vendor/axe-core"
mkdir -p "$root/tests/vendor/axe-core"
cp axe/axe.min.js axe/package.json axe/LICENSE "$root/tests/vendor/axe-core/"
echo "tests/vendor/axe-core/ now holds $AXE"
