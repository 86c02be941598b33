#!/usr/bin/env bash
# Builds and runs the forge tests (unit, fuzz with 10,000 runs, invariant). Installs the npm toolchain first if
# node_modules is missing. The LAST line is "N passed, N failed"; the exit code is non-zero if anything failed.
# Extra arguments go to `forge test` (e.g. --match-contract AuthenticateTest).
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/forge ]; then
  echo "== npm ci"
  # @foundry-rs/* declare optional per-platform packages some of which the registry does not have at 1.7.1;
  # npm ci then refuses the lock ("Missing: ... from lock file"). npm install resolves the same locked versions
  # and skips the unavailable optional ones.
  if ! npm ci --no-audit --no-fund; then
    echo "npm ci refused the lock; falling back to npm install (same locked versions)"
    if ! npm install --no-audit --no-fund; then
      echo "npm install failed"
      echo "0 passed, 1 failed"
      exit 1
    fi
  fi
fi

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
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
