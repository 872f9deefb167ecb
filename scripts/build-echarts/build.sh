#!/usr/bin/env bash
# Rebuilds charts/assets/echarts.min.js.gz and charts/assets/LICENSE-echarts
# from the npm packages pinned in package-lock.json. Needs node and npm; the
# Go module itself never does (the output is committed and go:embed-ded).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
assets="$here/../../charts/assets"
cd "$here"

npm ci --no-audit --no-fund --loglevel=error

version="$(node -p 'require("echarts/package.json").version')"
zversion="$(node -p 'require("zrender/package.json").version')"
mkdir -p out
./node_modules/.bin/esbuild entry.js \
  --bundle --minify --format=iife --target=es2017 --charset=utf8 \
  --define:process.env.NODE_ENV='"production"' \
  --legal-comments=none \
  --banner:js="/*! Apache ECharts ${version} with ZRender ${zversion}, custom bundle for github.com/speedup-go/speedup/charts (bar, line, scatter, custom; grid, title, tooltip, legend, markLine, dataZoom; canvas and svg renderers). Apache-2.0; see LICENSE-echarts. */" \
  --outfile=out/echarts.min.js --log-level=warning

# An inline <script> must not contain "</script": refuse rather than break pages.
if grep -qi '</script' out/echarts.min.js; then
  echo "build.sh: bundle contains </script" >&2
  exit 1
fi

# -n: no name or timestamp in the header, so the output is reproducible.
gzip -9 -n -c out/echarts.min.js > "$assets/echarts.min.js.gz"

{
  echo "Apache ECharts ${version} (npm package echarts) and ZRender ${zversion} (npm package zrender),"
  echo "bundled into charts/assets/echarts.min.js.gz by scripts/build-echarts/build.sh."
  echo
  echo "========================================================================"
  echo "NOTICE (echarts ${version})"
  echo "========================================================================"
  cat node_modules/echarts/NOTICE
  echo
  echo "========================================================================"
  echo "LICENSE (echarts ${version}): Apache License 2.0"
  echo "========================================================================"
  cat node_modules/echarts/LICENSE
  echo
  echo "========================================================================"
  echo "licenses/LICENSE-d3 (echarts ${version})"
  echo "========================================================================"
  cat node_modules/echarts/licenses/LICENSE-d3
  echo
  echo "========================================================================"
  echo "LICENSE (zrender ${zversion}): BSD 3-Clause"
  echo "========================================================================"
  cat node_modules/zrender/LICENSE
  echo
  echo "========================================================================"
  echo "LICENSE (tslib, helpers inlined by the bundle): 0BSD"
  echo "========================================================================"
  cat node_modules/tslib/LICENSE.txt
} > "$assets/LICENSE-echarts"

raw=$(wc -c < out/echarts.min.js)
gz=$(wc -c < "$assets/echarts.min.js.gz")
echo "echarts ${version}: ${raw} bytes minified, ${gz} bytes gzip -9, $(( (gz + 2) / 3 * 4 )) bytes base64"
