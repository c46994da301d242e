#!/usr/bin/env bash
# Sourced by the scripts that run Python cross-checks and benchmarks: makes a virtual environment under
# .build/python (never the system Python, which Debian 12 and Ubuntu 24.04 refuse to pip-install into,
# PEP 668), installs the packages of the requirements files given
# when they are missing, and puts the environment's bin first on PATH so `python3` and `cjio` are its own.
# These packages are for checking cim's answers only; cim itself never needs Python.
# Usage: source Scripts/python-env.sh REQUIREMENTS_FILE [...]
# (always name the file: a sourced script sees its caller's arguments when given none of its own)
_cim_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_cim_venv="$_cim_repo/.build/python"
if [ ! -x "$_cim_venv/bin/python3" ]; then
  mkdir -p "$_cim_repo/.build"
  python3 -m venv "$_cim_venv" >&2 || { echo "python-env: python3 -m venv failed (install python3-venv: Scripts/setup.sh does)" >&2; return 1 2>/dev/null || exit 1; }
  "$_cim_venv/bin/python3" -m pip install --quiet --upgrade pip >&2 || true
fi
export PATH="$_cim_venv/bin:$PATH"
export VIRTUAL_ENV="$_cim_venv"
_cim_reqs=("$@")
for _cim_req in "${_cim_reqs[@]}"; do
  _cim_stamp="$_cim_venv/.installed-$(basename "$(dirname "$_cim_req")")-$(basename "$_cim_req")"
  if [ ! -f "$_cim_stamp" ] || ! cmp -s "$_cim_req" "$_cim_stamp"; then
    echo "python-env: installing $(realpath --relative-to="$_cim_repo" "$_cim_req") into .build/python" >&2
    "$_cim_venv/bin/python3" -m pip install --quiet -r "$_cim_req" >&2 && cp "$_cim_req" "$_cim_stamp"
  fi
done
unset _cim_repo _cim_venv _cim_reqs _cim_req _cim_stamp
