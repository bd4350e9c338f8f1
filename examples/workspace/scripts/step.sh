# Sourced by the workspace's shell commands: finds the workspace and honours the failure switch.
WORKSPACE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$WORKSPACE_ROOT/.state"
mkdir -p "$STATE_DIR"

# begin_step NAME ERROR_MESSAGE: a file .fail/NAME makes the step print ERROR_MESSAGE and exit 1,
# so you can see what Stagecoach does when a step fails.
begin_step() {
  if [[ -e "$WORKSPACE_ROOT/.fail/$1" ]]; then
    echo "$1: $2" >&2
    exit 1
  fi
}
