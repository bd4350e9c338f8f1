#!/usr/bin/env bash
# Deploys the sample app's frontend. There is no real upload: the script records in .state/ what a
# deployment would change, and the sample app (sharing .state/ as its STATE_DIR) serves accordingly.
# Every call is recorded in .invocations.log, arguments included (see scripts/step.sh).
#   --env=<environment>        required
#   --percent=<n>              route n% of traffic to the release (writes .state/percent; 100 makes
#                              the release the stable version)
#   --version=<version>        the release; default: v + ehr-frontend/package.json version
#   --rollback-to=<version>    make <version> the stable version again and drop the release
#   --current-version          print the stable version (what a rollback returns to) and exit
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/step.sh"
begin_step deploy-frontend 'upload failed: AccessDenied on s3://sample-ehr-frontend/index.html' "$@"

env='' percent='' version='' rollback_to=''
for arg in "$@"; do
  case "$arg" in
    --current-version)
      # Only the version on stdout: Stagecoach records it as the rollback target.
      cat "$STATE_DIR/current-version" 2>/dev/null || echo 'v3.9.0'
      exit 0
      ;;
    --env=*) env="${arg#--env=}" ;;
    --percent=*) percent="${arg#--percent=}" ;;
    --version=*) version="${arg#--version=}" ;;
    --rollback-to=*) rollback_to="${arg#--rollback-to=}" ;;
    # Recorded by begin_step and otherwise ignored, so a plan may add flags of its own.
    *) echo "deploy-frontend: ignoring unknown argument $arg" ;;
  esac
done

if [[ -z "$env" ]]; then
  echo 'usage: deploy-frontend.sh --env=<environment> [--percent=<n>] [--version=<v>] [--rollback-to=<v>]' >&2
  exit 2
fi

if [[ -n "$rollback_to" ]]; then
  echo "$rollback_to" >"$STATE_DIR/current-version"
  rm -f "$STATE_DIR/release-version" "$STATE_DIR/percent"
  # The fault switch stands for a bug in the release: rolling the release back removes it.
  rm -f "$STATE_DIR/.fault"
  echo "$env: rolled back to $rollback_to, which serves 100% of traffic"
fi

if [[ -n "$percent" ]]; then
  if [[ ! "$percent" =~ ^[0-9]+$ ]] || ((percent > 100)); then
    echo "deploy-frontend: --percent must be 0-100, got $percent" >&2
    exit 2
  fi
  if [[ -z "$version" ]]; then
    version="$(cat "$STATE_DIR/release-version" 2>/dev/null || true)"
  fi
  if [[ -z "$version" ]]; then
    # What the checkout builds: ehr-frontend/package.json's version, wherever the script runs from.
    built="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$WORKSPACE_ROOT/ehr-frontend/package.json" 2>/dev/null || true)"
    version="v${built:-0.0.0}"
  fi
  stable="$(cat "$STATE_DIR/current-version" 2>/dev/null || echo 'v3.9.0')"
  echo "$version" >"$STATE_DIR/release-version"
  echo "$percent" >"$STATE_DIR/percent"
  if ((percent == 100)); then
    # Fully rolled out, the release is the stable version: the next deployment rolls back to it.
    echo "$version" >"$STATE_DIR/current-version"
    rm -f "$STATE_DIR/release-version"
    echo "$env: $version now serves 100% of traffic (was $stable)"
  else
    echo "$env: $version now serves ${percent}% of traffic, $stable the other $((100 - percent))%"
  fi
fi
echo "deploy-frontend: $env done"
