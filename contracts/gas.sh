#!/usr/bin/env bash
# Gas of each step (register, publish, propose, authenticate, notify, poke, claim) with the budgets asserted in
# test/Gas.t.sol, measured cold (vm.cool before each step) and again with every call in its own transaction
# (--isolate), then forge's per-function gas report for FilFilDealClient over the same scenario.
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/forge ] || npm ci --no-audit --no-fund
./node_modules/.bin/forge test --match-contract GasTest -vv | grep -E "^\s+gas |PASS|FAIL"
echo "== --isolate"
./node_modules/.bin/forge test --match-contract GasTest --isolate -vv | grep -E "^\s+gas |PASS|FAIL"
./node_modules/.bin/forge test --match-contract GasTest --gas-report | sed -n '/FilFilDealClient/,/^$/p'
