#!/usr/bin/env bash
# Install this Action's own checkout into a fresh virtual environment, apart from the user's Python,
# so that the Action and the hooks are always the same version.
# Environment: PYTHON (setup-python's interpreter), ACTION_PATH, VENV; writes the output `python`.
set -euo pipefail
: "${PYTHON:?set by action.yml}" "${ACTION_PATH:?set by action.yml}" "${VENV:?set by action.yml}"

echo "::group::Install bia-hooks"
"$PYTHON" -m venv "$VENV"
if [ -x "$VENV/bin/python" ]; then
  python="$VENV/bin/python"
else # Windows
  python="$VENV/Scripts/python.exe"
fi
"$python" -m pip install --disable-pip-version-check --no-input --quiet "$ACTION_PATH"
"$python" -m bia_hooks --version
echo "::endgroup::"
echo "python=$python" >>"$GITHUB_OUTPUT"
