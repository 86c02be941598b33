#!/usr/bin/env bash
# Coverage-guided fuzzing of FilFil's parsers with SharpFuzz + afl++ (docs/fuzzing.md).
#   fuzz/run.sh [-s SECONDS] [-n EXECS] [-j JOBS] [TARGET...]
#                                                     each target under afl-fuzz from fuzz/corpus/TARGET until
#                                                     SECONDS (default 600) or EXECS executions (if given) have
#                                                     passed, JOBS targets at a time (default 1)
#   fuzz/run.sh --report [TARGET...]                  print the figures of the last runs again
# Needs afl++ (Debian: apt-get install afl++). Findings: fuzz/out/findings/TARGET/default/{crashes,hangs}/;
# replay one with: dotnet fuzz/out/bin/FilFil.Fuzz.dll repro TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
secs=600; execs=; jobs=1; report_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    -s) secs=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    -n) execs=$2; shift 2 ;;
    --report) report_only=1; shift ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) break ;;
  esac
done
out=${FUZZ_OUT:-fuzz/out}   # FUZZ_OUT: another folder, to rebuild while a campaign runs
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cbor car chain cid lotus devnet http head ws)

report() {
  printf '%-8s %12s %10s %7s %7s %6s %8s\n' target execs exec/s paths crashes hangs wall_s
  for t in "${targets[@]}"; do
    f=$out/findings/$t/default/fuzzer_stats
    [ -f "$f" ] || { printf '%-8s (no run)\n' "$t"; continue; }
    get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$f"; }
    start=$(get start_time); last=$(get last_update)
    printf '%-8s %12s %10.0f %7s %7s %6s %8s\n' "$t" "$(get execs_done)" \
      "$(awk -v e="$(get execs_done)" -v s=$((last-start)) 'BEGIN{print (s>0 ? e/s : 0)}')" \
      "$(get corpus_count)" "$(get saved_crashes)" "$(get saved_hangs)" $((last-start))
  done
}
if [ "$report_only" = 1 ]; then report; exit 0; fi

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++ (or use: dotnet run --project fuzz/FilFil.Fuzz -- smoke fuzz/corpus)"; exit 2; }

# Build, then instrument the parser assemblies in the published copy (never the build output the tests use).
if [ ! -f $out/bin/.instrumented ] || [ -n "$(find src fuzz/FilFil.Fuzz -name '*.cs' -newer $out/bin/.instrumented | head -1)" ]; then
  rm -rf $out/bin
  dotnet publish fuzz/FilFil.Fuzz -c Release -o $out/bin -nologo -clp:ErrorsOnly
  [ -x $out/tools/sharpfuzz ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path $out/tools
  for a in FilFil.Core FilFil.Devnet; do $out/tools/sharpfuzz $out/bin/$a.dll; done
  touch $out/bin/.instrumented
fi

export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_SKIP_CRASHES=1 DOTNET_TieredPGO=0
run_one() {
  local t=$1
  mkdir -p $out/findings/$t
  echo "== $t: afl-fuzz for $secs s${execs:+ or $execs execs} (log $out/findings/$t.log)"
  afl-fuzz -i fuzz/corpus/$t -o $out/findings/$t -V "$secs" ${execs:+-E "$execs"} -t 5000 -m none -- \
    dotnet $out/bin/FilFil.Fuzz.dll "$t" > $out/findings/$t.log 2>&1 || echo "$t: afl-fuzz exited $? (see the log)"
}
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running+1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running-1)); fi
done
wait
report
