#!/usr/bin/env bash
# Builds and runs the forge tests (unit, fuzz with 10,000 runs, invariant). Installs the npm toolchain first if
# node_modules is missing. The LAST line is "N passed, N failed"; the exit code is non-zero if anything failed.
# Extra arguments go to `forge test` (e.g. --match-contract AuthenticateTest). `--build-only` compiles and exits (used
# by the root test.sh before the xUnit suites, which compare the C# messages with contracts/out).
set -uo pipefail
cd "$(dirname "$0")"

# The lock file lists every per-platform @foundry-rs package (the registry has them all at 1.7.1), so `npm ci`
# installs exactly the locked versions and never writes package-lock.json.
if [ ! -x node_modules/.bin/forge ]; then
  echo "== npm ci"
  if ! npm ci --no-audit --no-fund; then
    echo "npm ci failed (the lock file must match package.json; regenerate it with npm install --package-lock-only)"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

# --build-only: compile (contracts/out, the ABI JSON the C# typed messages are checked against) and stop; no test count.
if [ "${1:-}" = "--build-only" ]; then
  ./node_modules/.bin/forge build
  exit $?
fi

# The tests must leave the checkout as they found it (build output goes to the ignored out/ and cache/).
tracked_before=$(git status --porcelain -- . 2>/dev/null || true)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
./node_modules/.bin/forge test "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

line=$(grep -E "^Ran [0-9]+ test suites? in .*: [0-9]+ tests? passed, [0-9]+ failed" "$log" | tail -1)
if [ -z "$line" ]; then
  echo "forge printed no test summary (exit $rc): build failure or no tests"
  echo "0 passed, 1 failed"
  exit 1
fi
passed=$(sed -E 's/.*: ([0-9]+) tests? passed.*/\1/' <<<"$line")
failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
tracked_after=$(git status --porcelain -- . 2>/dev/null || true)
if [ "$tracked_before" != "$tracked_after" ]; then
  echo "the test run changed the checkout (git status):"
  diff <(echo "$tracked_before") <(echo "$tracked_after")
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
