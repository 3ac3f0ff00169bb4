#!/usr/bin/env bash
# Prints the path of a schemathesis 4.x CLI, creating its virtual environment first when missing.
# The one place that knows where it lives: .ci/run and test/contract/schemathesis.test.ts both call it.
# Concurrent callers wait on one lock, so two runs never install into the same folder at once; a stamp
# written last marks a complete environment (an interrupted install is started again from scratch).
set -euo pipefail

VENV="${SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/reports-tools/schemathesis-venv}"
SPEC='schemathesis>=4,<5'
CLI="$VENV/bin/st"
STAMP="$VENV/.complete"

ready() { [ -f "$STAMP" ] && [ -x "$CLI" ]; }

if ! ready; then
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.lock"
  flock 9
  if ! ready; then
    echo "creating $VENV ($SPEC)" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$SPEC" >&2
    "$CLI" --version >&2
    touch "$STAMP"
  fi
fi
echo "$CLI"
