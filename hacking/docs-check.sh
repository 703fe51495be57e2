#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Lint the plugin and role documentation the way the Ansible docsite renders it
# (markup, references to other plugins/options, role argument specs), and the extra
# docs in docs/docsite/ (extra-docs.yml, RST labels and rstcheck, references to
# plugins and roles). The sanity tests ansible-doc and validate-modules already load
# every plugin's docs.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

prepare_tools_on_checkout
export ANSIBLE_COLLECTIONS_PATH=$TREE_ROOT
log "antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs"
exec antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
    --validate-collection-refs all --disallow-unknown-collection-refs "$COLLECTION_TREE"
