#!/usr/bin/env bash
# Installs what the tests need, builds Loom, runs every test (C# and Python) and ends with
# "N passed, N failed". Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

# --- what the tests need: Debian packages, installed only when missing ---
need=()
for pkg in postgresql python3 python3-venv python3-pip python3-setuptools python3-wheel python3-sklearn python3-onnx python3-pandas procps chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "error: could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi
export PATH="/usr/lib/postgresql/15/bin:$PATH"

# --- build ---
echo "Building Loom (Release)"
if ! dotnet build Loom.slnx -c Release -v q --nologo > "$RESULTS/build.log" 2>&1; then
  grep -E "error" "$RESULTS/build.log" | sort -u | head -40
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0

# --- C# tests: unit, store contract (SQLite and PostgreSQL), API, CLI, durability ---
echo "Running C# tests"
dotnet test tests/Loom.Tests/Loom.Tests.csproj -c Release --no-build --nologo \
  --logger "trx;LogFileName=dotnet.trx" --results-directory "$RESULTS" 2>&1 | tee "$RESULTS/dotnet.log" | grep -E "^\s+Failed |Error Message|Passed!|Failed!|error" | head -200
trx="$RESULTS/dotnet.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  cs_total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  cs_passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + cs_passed)); failed=$((failed + cs_total - cs_passed))
else
  echo "error: the C# test run produced no results"; failed=$((failed + 1))
fi

# --- Python client tests against a real server started from the built CLI ---
echo "Running Python tests"
export LOOM_CLI="dotnet $ROOT/artifacts/bin/Loom.Cli/release/loom.dll"
/usr/bin/python3 -m unittest discover -s tests/python -t . -v > "$RESULTS/python.log" 2>&1
grep -E "(FAIL|ERROR):|^Ran |^OK|^FAILED" "$RESULTS/python.log"
ran=$(grep -oE "^Ran [0-9]+" "$RESULTS/python.log" | grep -oE "[0-9]+" || echo 0)
py_bad=0
if summary=$(grep -E "^FAILED \(" "$RESULTS/python.log"); then
  for kind in failures errors; do
    n=$(grep -oE "$kind=[0-9]+" <<<"$summary" | grep -oE "[0-9]+" || true); py_bad=$((py_bad + ${n:-0}))
  done
fi
py_skipped=$(grep -oE "skipped=[0-9]+" "$RESULTS/python.log" | grep -oE "[0-9]+" | head -1 || true)
if [ "$ran" -eq 0 ]; then echo "error: no Python test ran"; py_bad=1; fi
passed=$((passed + ran - py_bad - ${py_skipped:-0})); failed=$((failed + py_bad))

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
