#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's `make demo`: start the EM simulator (tests/em_simulator) with the demo
# scenario, run playbooks/demo.yml against it with this checkout as the collection,
# and stop the simulator again, also when the playbook fails.
#
# The playbook gets its connection settings the way a user's would, from the
# environment: VEEAM_EM_URL, VEEAM_EM_CA_PATH (the simulator's own CA, so TLS is
# verified), VEEAM_EM_USERNAME and VEEAM_EM_PASSWORD. It runs from the repository root
# and may write what it produces to $VEEAM_EM_DEMO_DIR (.build/demo/output).
# The inventory is playbooks/demo_inventory.yml when it exists, else the implicit
# localhost. Knobs: DEMO_EM_VERSION (default v12), DEMO_SCENARIO (default demo);
# arguments go to ansible-playbook (hacking/demo.sh -v, or make demo ARGS=--check).
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

acquire_lock
[ -f "$VEEAM_EM_ROOT/playbooks/demo.yml" ] || die "playbooks/demo.yml does not exist yet"
[ -d "$VEEAM_EM_ROOT/tests/em_simulator" ] || die "tests/em_simulator does not exist yet"
ensure_venv
sync_tree
enter_tool_env

state_dir=$BUILD_DIR/demo
simulator() {
    # 9>&-: the simulator daemon must not inherit (and so keep) the .build lock.
    PYTHONPATH=$COLLECTION_TREE/tests "$VENV/bin/python" -m em_simulator "$@" 9>&-
}
stop_simulator() {
    if [ -f "$state_dir/sim.json" ]; then
        simulator --stop --state-dir "$state_dir" || log "could not stop the simulator (state: $state_dir)"
    fi
}

if [ -f "$state_dir/sim.json" ]; then
    # Left over from an interrupted demo.
    stop_simulator
fi
rm -rf "$state_dir"
mkdir -p "$state_dir"
trap stop_simulator EXIT

log "starting the EM simulator (scenario ${DEMO_SCENARIO:-demo}, EM ${DEMO_EM_VERSION:-v12})"
# Its stdout repeats sim.json, read below.
simulator --scenario "${DEMO_SCENARIO:-demo}" --em-version "${DEMO_EM_VERSION:-v12}" \
    --state-dir "$state_dir" --daemon >/dev/null

# One KEY=VALUE line per setting; username/password are only used when sim.json has them.
sim_settings=$("$VENV/bin/python" - "$state_dir/sim.json" <<'PY'
import json
import sys

with open(sys.argv[1], encoding='utf-8') as handle:
    sim = json.load(handle)
for env_name, key in (('VEEAM_EM_URL', 'url'), ('VEEAM_EM_CA_PATH', 'ca_path'),
                      ('VEEAM_EM_USERNAME', 'username'), ('VEEAM_EM_PASSWORD', 'password')):
    if sim.get(key) is not None:
        print('%s=%s' % (env_name, sim[key]))
PY
)
while IFS='=' read -r name value; do
    export "$name=$value"
done <<<"$sim_settings"
log "simulator listening at $VEEAM_EM_URL"

export ANSIBLE_COLLECTIONS_PATH=$TREE_ROOT
# Modules run with the venv's Python, which has requests.
export ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python
# A directory the playbook may write its output (reports) to; kept until the next demo.
export VEEAM_EM_DEMO_DIR=$state_dir/output
mkdir -p "$VEEAM_EM_DEMO_DIR"
cd "$VEEAM_EM_ROOT"
if [ -f playbooks/demo_inventory.yml ]; then
    inventory=(-i playbooks/demo_inventory.yml)
else
    # Only the implicit localhost (local connection); no "empty inventory" warnings.
    inventory=()
    export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
fi
ansible-playbook "${inventory[@]}" playbooks/demo.yml "$@"
