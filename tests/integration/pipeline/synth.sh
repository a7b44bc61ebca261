#!/usr/bin/env bash
# --synth (issue 12): without Vitis HLS on PATH `snac hls RUN_DIR --synth` and `snac run --synth`
# are refused at once (exit 2, the tool named, nothing written); with a stand-in `vitis_hls` on
# PATH (a script that writes a csynth report where Vitis HLS writes it) the synthesis figures
# reach hls/summary.csv and the report shows them beside the estimates.
set -euo pipefail
: "${SNAC_BIN:?}" "${SNAC_SOURCE_DIR:?}" "${SNAC_DATA_DIR:?}"
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-synth-it.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
sed -e "s/trials: 6/trials: 2/" "$SNAC_SOURCE_DIR/tests/integration/runtime/tiny.yaml" > tiny.yaml
echo "select: {rule: top, count: 1}" >> tiny.yaml
"$SNAC_BIN" global tiny.yaml --out run --no-progress >log.txt 2>&1 || { cat log.txt; fail "global"; }
"$SNAC_BIN" select run >log.txt 2>&1 || { cat log.txt; fail "select"; }
clean_path="$(echo "$PATH" | tr ':' '\n' | while read -r d; do
    [ -x "$d/vitis_hls" ] || [ -x "$d/vivado_hls" ] || echo "$d"; done | paste -sd:)"

# 1. No tool: refused at once, nothing written.
set +e
PATH="$clean_path" "$SNAC_BIN" hls run --synth >out.txt 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "Vitis HLS was not found" out.txt || { cat out.txt; fail "hls --synth: rc $rc"; }
[ ! -e run/hls ] || fail "hls --synth without the tool wrote run/hls"
set +e
PATH="$clean_path" "$SNAC_BIN" run tiny.yaml --out run2 --synth --no-progress >out.txt 2>&1; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "Vitis HLS was not found" out.txt || { cat out.txt; fail "run --synth: rc $rc"; }
[ ! -e run2/study.db ] || fail "run --synth without the tool started the global stage"

# 2. A stand-in vitis_hls: its report's figures land beside the estimates.
mkdir bin
cat > bin/vitis_hls <<'SH'
#!/usr/bin/env bash
top="$(sed -n 's/^set_top //p' build_prj.tcl)"
dir="${top}_prj/solution1/syn/report"
mkdir -p "$dir"
cat > "$dir/${top}_csynth.xml" <<XML
<profile><PerformanceEstimates>
<SummaryOfTimingAnalysis><EstimatedClockPeriod>4.125</EstimatedClockPeriod></SummaryOfTimingAnalysis>
<SummaryOfOverallLatency><Best-caseLatency>7</Best-caseLatency><Worst-caseLatency>9</Worst-caseLatency><Interval-min>1</Interval-min></SummaryOfOverallLatency>
</PerformanceEstimates><AreaEstimates>
<Resources><BRAM_18K>2</BRAM_18K><DSP>17</DSP><FF>4321</FF><LUT>12345</LUT><URAM>0</URAM></Resources>
<AvailableResources><BRAM_18K>5376</BRAM_18K><DSP>12288</DSP><FF>3456000</FF><LUT>1728000</LUT><URAM>1280</URAM></AvailableResources>
</AreaEstimates></profile>
XML
SH
chmod +x bin/vitis_hls
PATH="$work/bin:$clean_path" "$SNAC_BIN" hls run --synth >out.txt 2>&1 || { cat out.txt; fail "hls --synth"; }
python3 - run/hls/summary.csv <<'PY' || fail "synthesis figures not in hls/summary.csv"
import csv, sys
r = next(csv.DictReader(open(sys.argv[1])))
assert r["status"] == "ok", r
assert float(r["synth_lut"]) == 12345 and float(r["synth_latency_cycles_max"]) == 9, r
assert r["est_lut"] != "" and float(r["est_lut"]) != 12345, r
PY
"$SNAC_BIN" report run >out.txt 2>&1 || { cat out.txt; fail "report"; }
grep -q "LUT % (est. / csynth)" run/report/index.html || fail "report: no csynth column"
grep -q "csynth 9" run/report/index.html || fail "report: no csynth latency"
echo "ok"
