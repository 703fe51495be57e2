#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make ee-check`: `ansible-builder create` makes the build context of an execution
# environment with this checkout's collection (hacking/ee/execution-environment.yml) in
# .build/ee/context, and the context is checked by running, outside a container, the two
# steps of its Containerfile that concern the collection: the galaxy stage's
# `ansible-galaxy collection install -r requirements.yml` and the builder stage's
# introspect.py, which must find the collection's Python requirements (requirements.txt,
# named by meta/execution-environment.yml). Building the image itself needs podman or
# docker, which these machines lack.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

prepare_tools_on_checkout
ee=$BUILD_DIR/ee
rm -rf "$ee"
tarball=$(build_tarball "$ee/dist")
version=$(galaxy_field version)
# Under the name the definition gives it, so that it need not change with the version.
cp "$tarball" "$ee/$COLLECTION_NAMESPACE-$COLLECTION_NAME.tar.gz"
cp "$VEEAM_EM_ROOT/hacking/ee/execution-environment.yml" "$ee/"
log "ansible-builder create (context: $ee/context)"
ansible-builder create -f "$ee/execution-environment.yml" -c "$ee/context" --output-filename Containerfile >/dev/null

containerfile=$ee/context/Containerfile
for step in 'ansible-galaxy collection install .*-r requirements.yml' 'introspect.py introspect' '^FROM .* AS final$'; do
    grep -Eq "$step" "$containerfile" || die "the Containerfile has no step matching '$step'"
done

log "the galaxy stage: ansible-galaxy collection install -r requirements.yml (in the context)"
(cd "$ee/context/_build" && ANSIBLE_COLLECTIONS_PATH=$ee/installed ansible-galaxy collection install --offline -r requirements.yml \
    --collections-path "$ee/installed" >/dev/null)
manifest=$ee/installed/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME/MANIFEST.json
[ -f "$manifest" ] || die "the context's requirements.yml did not install $COLLECTION_NAMESPACE.$COLLECTION_NAME"
grep -q "\"version\": \"$version\"" "$manifest" || die "the context installs another version than galaxy.yml's $version"

log "the builder stage: introspect.py on the installed collection"
python "$ee/context/_build/scripts/introspect.py" introspect --write-pip="$ee/pip-requirements.txt" \
    --write-bindep="$ee/bindep.txt" "$ee/installed" >/dev/null
grep -v '^[[:space:]]*\(#\|$\)' "$VEEAM_EM_ROOT/requirements.txt" | while IFS= read -r requirement; do
    grep -Fxq "$requirement  # from collection $COLLECTION_NAMESPACE.$COLLECTION_NAME" "$ee/pip-requirements.txt" ||
        die "introspection did not find '$requirement' of requirements.txt (it found: $(tr '\n' ';' <"$ee/pip-requirements.txt"))"
done
echo "ee-check: build context in $ee/context installs $COLLECTION_NAMESPACE.$COLLECTION_NAME $version" \
    "and its Python requirements ($(wc -l <"$ee/pip-requirements.txt") found by introspection); building the image needs podman or docker"
