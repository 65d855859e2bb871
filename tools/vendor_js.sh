#!/usr/bin/env bash
# Refresh vendor/ from npm at the pinned versions (see vendor/README.md). Run from anywhere;
# needs npm. After it, rebuild the book and run `make test`: the browser test checks that
# widgets still render offline.
set -euo pipefail
HTML_MANAGER="@jupyter-widgets/html-manager@1.0.15"
REQUIREJS="requirejs@2.3.8"

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "$HTML_MANAGER" "$REQUIREJS" >/dev/null
mkdir html-manager requirejs
tar -xzf jupyter-widgets-html-manager-*.tgz -C html-manager --strip-components=1
tar -xzf requirejs-*.tgz -C requirejs --strip-components=1

# The widget manager: the single-file AMD build and the icon fonts it loads beside itself.
rm -rf "$root/vendor/html-manager" "$root/vendor/requirejs"
mkdir -p "$root/vendor/html-manager" "$root/vendor/requirejs"
cp html-manager/dist/embed-amd.js html-manager/package.json "$root/vendor/html-manager/"
find html-manager/dist -maxdepth 1 -type f \
  \( -name '*.woff' -o -name '*.woff2' -o -name '*.ttf' -o -name '*.eot' -o -name '*.svg' \) \
  -exec cp {} "$root/vendor/html-manager/" \;
cp requirejs/require.js requirejs/package.json "$root/vendor/requirejs/"
echo "vendor/ now holds $HTML_MANAGER and $REQUIREJS"
