#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make build`: the release artefact as a user gets it. Build the collection tarball into
# .build/dist from the copy of the checkout (so only files git would list go in, minus
# galaxy.yml's build_ignore), install it into a fresh collections path, and from that
# installed copy only: ansible-doc of every module, lookup, filter and role of the checkout,
# and one module call (veeam_em_info) against the EM simulator the tarball ships, which
# is stopped again with no logon left open.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=hacking/simulator.sh
. "$(dirname "${BASH_SOURCE[0]}")/simulator.sh"

prepare_tools_on_checkout
dist=$BUILD_DIR/dist
tarball=$(build_tarball "$dist")
echo "built $tarball ($(du -h "$tarball" | cut -f1), $(tar -tzf "$tarball" | grep -vc '/$') files)"

if tar -tzf "$tarball" | grep -E '(^|/)(\.build|\.ansible|\.ci|hacking|tests/output)(/|$)|\.tar\.gz$|__pycache__|\.pyc$'; then
    die "the tarball contains development files (listed above); fix build_ignore in galaxy.yml"
fi

# Only the installed copy is a collections path; a checkout on sys.path must not stand in for it.
export ANSIBLE_COLLECTIONS_PATH=$dist/installed ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
installed=$ANSIBLE_COLLECTIONS_PATH/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME
ansible-galaxy collection install --offline -p "$ANSIBLE_COLLECTIONS_PATH" "$tarball" >/dev/null
# The AWX credential type is for users of the installed collection (README.md).
[ -f "$installed/extensions/awx/credential_type_veeam_em.yml" ] || die "the tarball lacks extensions/awx/credential_type_veeam_em.yml"

# One ansible-doc --json per kind, for every plugin and role of the checkout; ansible-doc
# only warns about a name it cannot load, so each must be in its output, from the copy.
fqcns() { for name in "$@"; do printf '%s.%s.%s\n' "$COLLECTION_NAMESPACE" "$COLLECTION_NAME" "$name"; done; }
documented=0
for kind in module:plugins/modules/*.py lookup:plugins/lookup/*.py filter:plugins/filter/*.py role:roles/*/; do
    mapfile -t names < <(cd "$COLLECTION_TREE" && for path in ${kind#*:}; do basename "$path" .py; done | grep -v '^_')
    [ ${#names[@]} -gt 0 ] || die "no ${kind%%:*} found in the checkout (${kind#*:})"
    mapfile -t wanted < <(fqcns "${names[@]}")
    ansible-doc -t "${kind%%:*}" --json "${wanted[@]}" >"$dist/doc.json" 2>"$dist/doc.err" ||
        die "ansible-doc -t ${kind%%:*} failed: $(cat "$dist/doc.err")"
    "$VENV/bin/python" - "$dist/doc.json" "$installed" "${wanted[@]}" <<'PY' || die "ansible-doc -t ${kind%%:*}: $(cat "$dist/doc.err")"
import json
import sys

with open(sys.argv[1], encoding='utf-8') as handle:
    docs = json.load(handle)
for name in sys.argv[3:]:
    entry = docs.get(name) or {}
    where = (entry.get('doc') or {}).get('filename') or entry.get('path') or ''
    if not (where + '/').startswith(sys.argv[2] + '/'):
        sys.exit('%s is not documented from the installed copy (%s)' % (name, where or 'not found'))
PY
    documented=$((documented + ${#names[@]}))
done
echo "installed copy documents all $documented modules, lookups, filters and roles of the checkout"

state_dir=$dist/simulator
trap 'stop_simulator "$installed/tests" "$state_dir"' EXIT
start_simulator "$installed/tests" "$state_dir" --scenario basic --em-version v12
# -vvv names the module file, which must be the installed copy's.
if ! ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python ansible localhost -c local -vvv \
        -m "$COLLECTION_NAMESPACE.$COLLECTION_NAME.veeam_em_info" >"$dist/module-call.log" 2>&1; then
    die "veeam_em_info from the installed copy failed against the simulator: $(grep -A3 'FAILED' "$dist/module-call.log")"
fi
grep -q "Using module file $installed/plugins/modules/veeam_em_info.py" "$dist/module-call.log" ||
    die "the module call did not use the installed copy (log: $dist/module-call.log)"
read -r requests logons logoffs open_sessions < <(simulator_counters "$state_dir")
[ "$logons" -ge 1 ] && [ "$logons" = "$logoffs" ] && [ "$open_sessions" = 0 ] ||
    die "the module call left logons open: $logons logons, $logoffs logoffs, $open_sessions open"
stop_simulator "$installed/tests" "$state_dir"
trap - EXIT
echo "installed copy: veeam_em_info logged on to the simulator and off again ($requests requests, no logon left open)"
