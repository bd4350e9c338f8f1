#!/usr/bin/env bash
# Builds and "pushes" the image: writes build/image/manifest.json (the artifact check reads the
# directory). Logging in to the registry needs REGISTRY_TOKEN, never printed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
begin_step build-image "$@"
require_env SERVICE_NAME IMAGE_TAG REGISTRY_TOKEN
mkdir -p "$WORKSPACE_ROOT/build/image"
printf '{"image":"registry.example.com/%s:%s"}\n' "$SERVICE_NAME" "$IMAGE_TAG" >"$WORKSPACE_ROOT/build/image/manifest.json"
echo "pushed registry.example.com/$SERVICE_NAME:$IMAGE_TAG"
