#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build the collection tarball into .build/dist from the copy of the checkout (so only
# files git would list go in, minus galaxy.yml's build_ignore), install it next to it
# and check that every module and lookup plugin of the checkout loads from there.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

prepare_tools_on_checkout
dist=$BUILD_DIR/dist
rm -rf "$dist"
mkdir -p "$dist"
(cd "$COLLECTION_TREE" && ansible-galaxy collection build --force --output-path "$dist" >/dev/null)
tarball=$dist/$COLLECTION_NAMESPACE-$COLLECTION_NAME-$(galaxy_field version).tar.gz
[ -f "$tarball" ] || die "ansible-galaxy did not produce $tarball"
echo "built $tarball ($(du -h "$tarball" | cut -f1), $(tar -tzf "$tarball" | grep -vc '/$') files)"

if tar -tzf "$tarball" | grep -E '(^|/)(\.build|\.ansible|\.ci|hacking|tests/output)(/|$)|\.tar\.gz$|__pycache__|\.pyc$'; then
    die "the tarball contains development files (listed above); fix build_ignore in galaxy.yml"
fi

export ANSIBLE_COLLECTIONS_PATH=$dist/installed
ansible-galaxy collection install --force --offline -p "$ANSIBLE_COLLECTIONS_PATH" "$tarball" >/dev/null
for kind in module:modules lookup:lookup; do
    for plugin in "$COLLECTION_TREE/plugins/${kind#*:}"/*.py; do
        name=$(basename "$plugin" .py)
        case "$name" in '*' | _*) continue ;; esac
        fqcn=$COLLECTION_NAMESPACE.$COLLECTION_NAME.$name
        ansible-doc -t "${kind%%:*}" "$fqcn" >/dev/null 2>"$BUILD_DIR/dist/ansible-doc.err" ||
            die "the installed tarball cannot load ${kind%%:*} $fqcn: $(cat "$BUILD_DIR/dist/ansible-doc.err")"
    done
done
echo "installed copy loads every module and lookup plugin of the checkout"
