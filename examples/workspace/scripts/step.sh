# Sourced by the workspace's shell commands: finds the workspace, records the call and honours the
# failure and hang switches.
WORKSPACE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$WORKSPACE_ROOT/.state"
mkdir -p "$STATE_DIR"

# begin_step NAME ERROR_MESSAGE [ARGS...]: appends `NAME ARGS...` to .invocations.log. A file
# .fail/NAME makes the step print ERROR_MESSAGE and exit 1, so you can see what Stagecoach does when
# a step fails; a file .hang/NAME makes it wait on a child `sleep 300`, like a command that hangs.
begin_step() {
  local name="$1" error="$2"
  shift 2
  local line="$name"
  (($# == 0)) || line+=" $*"
  printf '%s\n' "$line" >>"$WORKSPACE_ROOT/.invocations.log"
  if [[ -e "$WORKSPACE_ROOT/.fail/$name" ]]; then
    echo "$name: $error" >&2
    # A leaked credential, as real tools print them: Stagecoach redacts it from the step's output.
    echo "  while using DATABASE_URL=postgres://deploy@db.internal:5432/medplum?password=hunter2" >&2
    exit 1
  fi
  if [[ -e "$WORKSPACE_ROOT/.hang/$name" ]]; then
    echo "$name: waiting for the remote side..."
    # A child process, so only killing the whole tree ends the step.
    sleep 300 &
    wait $!
  fi
}
