#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run ansible-test on a fresh copy of this checkout laid at
# .build/tree/ansible_collections/<namespace>/<name>, with the .build venv and HOME.
# --python is the cell's (CELL, see hacking/common.sh).
# Usage: hacking/ansible-test.sh <ansible-test command> <arguments>
#   e.g. hacking/ansible-test.sh units --venv tests/unit/plugins/modules/test_x.py
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -gt 0 ] || die "usage: $0 <ansible-test arguments>"
prepare_tools_on_checkout
cd "$COLLECTION_TREE"
if [ "$1" = integration ] && [ -z "$(find tests/integration/targets -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ]; then
    # ansible-test fails outright when the targets directory does not exist yet.
    log "no integration targets in tests/integration/targets yet: nothing to run"
    exit 0
fi
log "ansible-test $1 --python $PYTHON_VERSION ${*:2} (cell $CELL, in $COLLECTION_TREE)"
exec ansible-test "$1" --python "$PYTHON_VERSION" "${@:2}"
