#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make test`: run every check as its own make target, keep going after a failure so
# one run reports them all, then print a summary with timings. Exits non-zero if any
# step failed. TEST_STEPS overrides the list; FAIL_FAST=1 stops at the first failure.
set -uo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

read -r -a steps <<<"${TEST_STEPS:-sanity units integration lint docs-check build}"
make_cmd=${MAKE:-make}

acquire_lock
start_all=$SECONDS
ensure_venv || exit 1
venv_seconds=$((SECONDS - start_all))

results=()
failed=()
for step in "${steps[@]}"; do
    printf '\n######## make %s ########\n' "$step"
    start=$SECONDS
    if "$make_cmd" --no-print-directory -C "$VEEAM_EM_ROOT" "$step"; then
        status=ok
    else
        status=FAILED
        failed+=("$step")
    fi
    results+=("$(printf '  %-12s %-7s %5ds' "$step" "$status" $((SECONDS - start)))")
    if [ "$status" = FAILED ] && [ "${FAIL_FAST:-0}" = 1 ]; then
        break
    fi
done

printf '\n######## make test summary ########\n'
printf '  %-12s %-7s %5ds\n' venv ok "$venv_seconds"
printf '%s\n' "${results[@]}"
printf '  %-12s %-7s %5ds\n' total "" $((SECONDS - start_all))
if [ ${#failed[@]} -gt 0 ]; then
    printf 'make test: %d of %d steps FAILED: %s\n' "${#failed[@]}" "${#steps[@]}" "${failed[*]}"
    exit 1
fi
printf 'make test: all %d steps succeeded\n' "${#results[@]}"
