#!/usr/bin/env bash
# Replaces every task of the service at once; there is no real cluster: the running version lives
# in .state/current-version (v1.9.0 when the file is missing).
#   (no argument)            deploy IMAGE_TAG
#   --rollback-to=<version>  deploy <version> again
#   --current-version        print the running version and exit
# Reads CLUSTER and AWS_REGION always, IMAGE_TAG and REGISTRY_TOKEN to deploy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
begin_step deploy "$@"
require_env CLUSTER AWS_REGION
version_file="$STATE_DIR/current-version"
running="$(cat "$version_file" 2>/dev/null || echo 'v1.9.0')"

case "${1:-}" in
  --current-version)
    # Only the version on stdout: Stagecoach records it as the rollback target.
    echo "$running"
    ;;
  --rollback-to=*)
    target="${1#--rollback-to=}"
    require_env REGISTRY_TOKEN
    echo "$target" >"$version_file"
    echo "$CLUSTER ($AWS_REGION): rolled back from $running to $target, all tasks replaced"
    ;;
  '')
    require_env IMAGE_TAG REGISTRY_TOKEN
    echo "$IMAGE_TAG" >"$version_file"
    echo "$CLUSTER ($AWS_REGION): $IMAGE_TAG replaces $running, all tasks replaced"
    ;;
  *)
    echo "usage: deploy.sh [--rollback-to=<version> | --current-version]" >&2
    exit 2
    ;;
esac
