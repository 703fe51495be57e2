#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# ansible-lint from the repository root with .ansible-lint (production profile).
# Not --offline: without it ansible-lint installs this collection into ./.ansible/
# (gitignored) and so resolves our FQCNs; that install needs no network.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

acquire_lock
ensure_venv
enter_tool_env
cd "$VEEAM_EM_ROOT"
log "ansible-lint $*"
exec ansible-lint --nocolor "$@"
