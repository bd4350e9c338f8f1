# Sourced by every script of this workspace: finds the workspace, records the call in
# .invocations.log, honours the .fail/<name> switch and checks the environment variables a script
# needs. Nothing here prints a variable's value: REGISTRY_TOKEN is a secret.
WORKSPACE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$WORKSPACE_ROOT/.state"
mkdir -p "$STATE_DIR"

# begin_step NAME [ARGS...]: appends `NAME ARGS...` to .invocations.log; a file .fail/NAME makes
# the step fail.
begin_step() {
  local name="$1"
  shift
  local line="$name"
  (($# == 0)) || line+=" $*"
  printf '%s\n' "$line" >>"$WORKSPACE_ROOT/.invocations.log"
  if [[ -e "$WORKSPACE_ROOT/.fail/$name" ]]; then
    echo "$name: failed (the switch .fail/$name is on)" >&2
    exit 1
  fi
}

# require_env NAME...: exits 2 naming every variable that is unset or empty. Records
# `env NAME=value ...` for the non-secret ones (REGISTRY_TOKEN only as `REGISTRY_TOKEN=set`).
require_env() {
  local missing=() seen=() name
  for name in "$@"; do
    if [[ -z "${!name:-}" ]]; then
      missing+=("$name")
    elif [[ "$name" == REGISTRY_TOKEN ]]; then
      seen+=("$name=set")
    else
      seen+=("$name=${!name}")
    fi
  done
  if ((${#missing[@]} > 0)); then
    echo "missing environment: ${missing[*]} (the plan passes them with env, perEnvironment or secrets)" >&2
    exit 2
  fi
  printf '  env %s\n' "${seen[*]}" >>"$WORKSPACE_ROOT/.invocations.log"
}
