#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run a command from the repository root with the .build venv first on PATH, HOME in
# .build/home and ANSIBLE_COLLECTIONS_PATH pointing at a fresh copy of this checkout,
# so backupgate.veeam_em resolves to the code you are editing. Examples:
#   hacking/with-venv.sh ansible-doc backupgate.veeam_em.veeam_nas_session_info
#   hacking/with-venv.sh ansible-playbook -i localhost, -c local playbooks/x.yml
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ $# -gt 0 ] || die "usage: $0 <command> [arguments]"
prepare_tools_on_checkout
export ANSIBLE_COLLECTIONS_PATH=$TREE_ROOT
export ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python
cd "$VEEAM_EM_ROOT"
exec "$@"
