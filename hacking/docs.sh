#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make docs`: the collection's HTML docsite in .build/docs/build/html, the way
# antsibull-docs documents it: `sphinx-init` writes a Sphinx project (conf.py, build.sh),
# whose build.sh renders every module, plugin and role and the pages listed in
# docs/docsite/extra-docs.yml, then runs sphinx-build with warnings as errors.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

prepare_tools_on_checkout
export ANSIBLE_COLLECTIONS_PATH=$TREE_ROOT
dest=$BUILD_DIR/docs
rm -rf "$dest"
# antsibull-docs refuses a destination that others may write to.
mkdir -m 700 "$dest"
log "antsibull-docs sphinx-init into $dest"
# The logo and title at the top link to the homepage of galaxy.yml.
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
    --dest-dir "$dest" --project "$COLLECTION_NAMESPACE.$COLLECTION_NAME" \
    --title "$COLLECTION_NAMESPACE.$COLLECTION_NAME" \
    --copyright "Contributors to the $COLLECTION_NAMESPACE.$COLLECTION_NAME collection" \
    --extra-html-theme-options "documentation_home_url=$(sed -n 's/^homepage:[[:space:]]*//p' "$VEEAM_EM_ROOT/galaxy.yml")" \
    "$COLLECTION_NAMESPACE.$COLLECTION_NAME" >/dev/null
# Offline build: no intersphinx fetch; references into the Ansible docs become plain
# links to docs.ansible.com (see hacking/docsite_conf.py).
cat "$VEEAM_EM_ROOT/hacking/docsite_conf.py" >>"$dest/conf.py"
log "build.sh (antsibull-docs collection, sphinx-build -W); progress in $dest/build.log"
"$dest/build.sh" >"$dest/build.log"
log "docsite: $dest/build/html/index.html"
