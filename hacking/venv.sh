#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Create (or reuse) .build/venv and the ansible-test pip bootstrap stand-in.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

acquire_lock
ensure_venv
log "venv ready: $VENV (ansible-core $("$VENV/bin/python" -c 'from ansible.release import __version__; print(__version__)'))"
