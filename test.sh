#!/usr/bin/env bash
# Runs every FilFil test suite: xUnit (Core, Devnet, fil-fil host, deal client, test peers), a smoke of the parsers'
# fuzz targets, the PowerShell acceptance tests under pwsh and Pester (local dotnet tool and NuGet package, both
# pinned; Pester's NUnit XML in TestResults/acceptance.nunit.xml), short runs of the reliability campaigns (bench crash,
# soak and abuse; each counts as one test) and forge (contracts). Ends with one line
# "N passed, N failed" over all suites; exits non-zero if anything failed or did not run.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
logdir=$(mktemp -d)
passed=0; failed=0; skipped=0; broken=0

echo "== dotnet tool restore (pwsh), Pester"
if ! { dotnet tool restore && dotnet restore tests/tools/TestTools.csproj -nologo; } > "$logdir/tools.log" 2>&1; then
  cat "$logdir/tools.log"; echo "tool restore failed"; echo "0 passed, 1 failed"; exit 1
fi

echo "== dotnet build"
if ! dotnet build FilFil.sln -c Release -nologo -clp:ErrorsOnly > "$logdir/build.log" 2>&1; then
  cat "$logdir/build.log"; echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# FilFil.DealClient.Tests compares the C# contract messages with the forge ABI in contracts/out: build it first.
echo "== contracts build (forge; ABI for the xUnit suites)"
if ! bash contracts/test.sh --build-only > "$logdir/forge-build.log" 2>&1; then
  tail -30 "$logdir/forge-build.log"; echo "contracts build failed"; broken=$((broken+1))
fi

for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  dotnet test "$proj" -c Release --no-build -nologo --logger "console;verbosity=minimal" > "$logdir/$name.log" 2>&1
  rc=$?
  grep -E "^\s*(Failed|Skipped) |Error Message|Passed!|Failed!" "$logdir/$name.log" | head -60
  line=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$logdir/$name.log" | tail -1)
  if [ -z "$line" ]; then
    echo "$name: no test summary (rc=$rc)"; tail -30 "$logdir/$name.log"; broken=$((broken+1)); continue
  fi
  f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "$name exited $rc"; broken=$((broken+1)); }
done

# The parsers' fuzz targets (fuzz/, docs/fuzzing.md) without afl++: every seed and fuzz-regression input, then
# 2,000 deterministic mutations per target; one pass or failure per target.
echo "== fuzz smoke"
dotnet fuzz/FilFil.Fuzz/bin/Release/net10.0/FilFil.Fuzz.dll smoke fuzz/corpus -n 2000 -r tests/FilFil.Core.Tests/fuzz-regressions \
  > "$logdir/fuzz.log" 2>&1
rc=$?
cat "$logdir/fuzz.log"
line=$(grep -E "^fuzz-smoke: [0-9]+ passed, [0-9]+ failed" "$logdir/fuzz.log" | tail -1)
if [ -z "$line" ]; then
  echo "fuzz smoke: no summary (rc=$rc)"; broken=$((broken+1))
else
  p=$(sed -E 's/^fuzz-smoke: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed+p)); failed=$((failed+f))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "fuzz smoke exited $rc"; broken=$((broken+1)); }
fi

echo "== acceptance (pwsh, Pester)"
dotnet pwsh -NoProfile -NonInteractive -File tests/Invoke-AcceptanceTests.ps1 > "$logdir/acceptance.log" 2>&1
rc=$?
cat "$logdir/acceptance.log"
line=$(grep -E "^acceptance: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped" "$logdir/acceptance.log" | tail -1)
if [ -z "$line" ]; then
  echo "acceptance: no summary (rc=$rc)"; tail -30 "$logdir/acceptance.log"; broken=$((broken+1))
else
  p=$(sed -E 's/^acceptance: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  s=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "acceptance exited $rc"; broken=$((broken+1)); }
fi

# Short runs of issue 15's reliability campaigns (docs/reliability.md has the full runs and their figures). `abuse`
# runs its eight attacks (four on the devnet, four on the HTTP server behind its HttpGate), attackers in a child
# process, 8 s each.
bench=bench/FilFil.Bench/bin/Release/net10.0/FilFil.Bench.dll
for campaign in "crash 3 1000 300" "soak 100 5" "abuse 8 200 1536 child"; do
  echo "== campaign $campaign (short)"
  # shellcheck disable=SC2086
  dotnet "$bench" $campaign > "$logdir/campaign.log" 2>&1
  rc=$?
  grep -E "^(FAILURE|faults injected|checks passed|kills|partial|lost|stale|pending|devnet|http|memory)|campaign +(PASS|FAIL)" "$logdir/campaign.log" | cut -c1-300
  if [ "$rc" -eq 0 ] && grep -qE "campaign +PASS" "$logdir/campaign.log"; then passed=$((passed+1)); else failed=$((failed+1)); tail -20 "$logdir/campaign.log"; fi
done

if [ -f contracts/test.sh ]; then
  echo "== contracts (forge)"
  bash contracts/test.sh > "$logdir/forge.log" 2>&1
  rc=$?
  tail -25 "$logdir/forge.log"
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$logdir/forge.log" | tail -1)
  if [ -z "$line" ]; then echo "contracts: no summary (rc=$rc)"; broken=$((broken+1))
  else
    p=$(cut -d' ' -f1 <<<"$line"); f=$(cut -d' ' -f3 <<<"$line")
    passed=$((passed+p)); failed=$((failed+f))
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { echo "contracts exited $rc"; broken=$((broken+1)); }
  fi
fi

failed=$((failed+broken))
[ "$skipped" -gt 0 ] && echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
