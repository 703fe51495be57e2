#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make test-matrix` / `make test-cell`: run cells of tox.ini (all of them, or those named
# with -e) and print tox's summary with each cell's time. tox skips a cell whose Python it
# cannot find and counts that as a success; here it is a failure, named loudly.
set -uo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

acquire_lock
ensure_tox
log=$BUILD_DIR/logs/test-matrix.log
run_tox "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# tox says why: "<cell>: skipped because could not find python interpreter with spec(s): py312"
skipped=$(grep -E '^ *[a-z0-9.-]+: skipped because' "$log" | sed 's/^ */  /')
if [ -n "$skipped" ]; then
    printf '\n!!!!!!!! SKIPPED: these cells did not run (a missing Python: pyenv install it, or put it on PATH):\n%s\n' "$skipped"
    printf '!!!!!!!! The matrix is incomplete: failing.\n'
    exit 1
fi
exit "$status"
