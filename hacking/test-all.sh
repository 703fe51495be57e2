#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make test`, and the command of each cell of tox.ini: run each step (a make target)
# in the cell's venv, keep going after a failure so one run reports them all, then print
# a summary with timings. Exits non-zero if any step failed. The steps are the arguments
# (default: all of make test); FAIL_FAST=1 stops at the first failure.
set -uo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ $# -gt 0 ]; then steps=("$@"); else steps=(sanity units integration lint docs-check docs build ee-check); fi
make_cmd=${MAKE:-make}

acquire_lock
start_all=$SECONDS
ensure_venv || exit 1
venv_seconds=$((SECONDS - start_all))
log "cell $CELL: ansible-core $("$VENV/bin/python" -c 'from ansible.release import __version__; print(__version__)'), Python $PYTHON_VERSION"

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

printf '\n######## summary: cell %s ########\n' "$CELL"
printf '  %-12s %-7s %5ds\n' venv ok "$venv_seconds"
printf '%s\n' "${results[@]}"
printf '  %-12s %-7s %5ds\n' total "" $((SECONDS - start_all))
if [ ${#failed[@]} -gt 0 ]; then
    printf 'cell %s: %d of %d steps FAILED: %s\n' "$CELL" "${#failed[@]}" "${#steps[@]}" "${failed[*]}"
    exit 1
fi
printf 'cell %s: all %d steps succeeded\n' "$CELL" "${#results[@]}"
