#!/usr/bin/env bash
# The browser test of `cim report`: renders the demo city's report (Porto, imported from Data/porto.osm.pbf)
# in headless Chromium (Debian's `chromium`, installed by `Scripts/setup.sh browser`) and fails when
#   - the browser logs any console message (errors, warnings or logs: the report prints none) — Chromium's
#     `--enable-logging=stderr` writes each console message as a `:CONSOLE` line; the detector is first run on
#     a page that does log an error, so a Chromium that stopped logging would fail here instead of passing;
#   - the report's own check script (it writes into the DOM: data-errors, data-maps, data-empty-maps) saw a
#     script error, no maps or a map with nothing drawn, read back from `--dump-dom` (no debugger protocol);
#   - the Chinese headings or the key numbers (the stored health index and indicator values of `cim checks`
#     and `cim check --format json`) are not in the rendered DOM;
#   - the file is not self-contained (an http(s) reference other than the SVG namespace) or over 20 MB.
# It then takes a screenshot (REPORT_SCREENSHOT, default out/report-porto.png; the README's docs/report-porto.png
# is one) and prints the report to PDF (--print-to-pdf), checking both files are real.
# Usage: Scripts/report-check.sh [path/to/cim]
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh browser
cim=${1:-.build/debug/cim}
[ -x "$cim" ] || swift build --product cim
shot=${REPORT_SCREENSHOT:-out/report-porto.png}
mkdir -p "$(dirname "$shot")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
browser() { chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 "$@"; }
fail() { echo "report-check: FAIL: $*" >&2; exit 1; }

# 0. The console detector detects: a page that logs an error must show a :CONSOLE line.
printf '<html><body><script>console.error("detector-self-test")</script></body></html>' > "$work/selftest.html"
browser --dump-dom "file://$work/selftest.html" > /dev/null 2> "$work/selftest.log" || true
grep -q ':CONSOLE.*detector-self-test' "$work/selftest.log" || fail "chromium no longer logs console messages to stderr; the check cannot see errors"

# 1. The demo city and its report.
store="$work/porto.gpkg"
step() { "$@" 2>> "$work/cim.log" || { cat "$work/cim.log" >&2; fail "$*"; }; }
step "$cim" import "$store" all Data/porto.osm.pbf > /dev/null
step "$cim" coverage "$store" > /dev/null
step "$cim" check "$store" --year 2025 --format json > "$work/check.json"
step "$cim" report "$store" --year 2025 --out "$work/report.html"
size=$(stat -c %s "$work/report.html")
[ "$size" -lt 20000000 ] || fail "the report is $size bytes (limit 20 MB)"
refs=$(grep -o 'https\?://[^"'"'"' )]*' "$work/report.html" | grep -v '^http://www.w3.org/2000/svg$' || true)
[ -z "$refs" ] || fail "the report references the network: $refs"

# 2. Render it, with a 5 s virtual-time budget for scripts and layout.
start=$(date +%s.%N)
browser --virtual-time-budget=5000 --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/console.log" || fail "chromium failed: $(tail -3 "$work/console.log")"
end=$(date +%s.%N)
if grep ':CONSOLE' "$work/console.log"; then fail "console messages while rendering (above)"; fi
grep -q 'data-errors=""' "$work/dom.html" || fail "script errors: $(grep -o 'data-errors="[^"]*"' "$work/dom.html")"
maps=$(grep -o 'data-maps="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*' || echo 0)
[ "${maps:-0}" -ge 2 ] || fail "only ${maps:-0} maps rendered"
grep -q 'data-empty-maps="0"' "$work/dom.html" || fail "a map rendered empty: $(grep -o 'data-empty-maps="[^"]*"' "$work/dom.html")"
for heading in 城市体检报告 总体评价 指标评价 问题诊断 生活圈覆盖 排水 数据与方法 完整居住社区 短板 地区健康指数; do
  grep -q "$heading" "$work/dom.html" || fail "heading $heading not in the rendered page"
done
# The key numbers: the health index and every computable city value, as cim check printed them.
python3 - "$work/check.json" "$work/dom.html" <<'PY'
import json, sys
check = json.load(open(sys.argv[1])); dom = open(sys.argv[2], encoding="utf-8").read()
index = check["index"]["overall"]
want = ['id="health-index">%.1f<' % index]
for i in check["indicators"]:
    if i["computable"] and i["value"] is not None:
        want.append('<span class="num">%.2f</span>' % i["value"])
missing = [w for w in want if w not in dom]
if missing:
    sys.exit("report-check: FAIL: numbers not in the rendered page: %s" % missing)
print("report-check: health index %.1f and %d indicator values found in the rendered page" % (index, len(want) - 1))
PY

# 3. Screenshot and PDF.
browser --window-size=1280,1800 --virtual-time-budget=5000 --screenshot="$work/shot.png" "file://$work/report.html" 2> /dev/null
[ "$(head -c 8 "$work/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG"
cp "$work/shot.png" "$shot"
browser --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$work/report.html" 2> /dev/null
[ "$(head -c 5 "$work/report.pdf")" = "%PDF-" ] || fail "the PDF was not written"
pages=$(grep -a -o '/Count [0-9]*' "$work/report.pdf" | head -1 | grep -o '[0-9]*' || true)
[ "${pages:-0}" -ge 2 ] || fail "the PDF has ${pages:-0} pages"
printf 'report-check: ok — %s bytes, %s maps, rendered in %.1f s, screenshot %s, PDF %s pages\n' \
  "$size" "$maps" "$(python3 -c "print($end - $start)")" "$shot" "$pages"
