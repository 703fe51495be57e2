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
# and writes the report to $DEMO_REPORT_DIR (.build/demo/report).
# The inventory is playbooks/inventory/example.yml. Knobs: DEMO_EM_VERSION (default v12), DEMO_SCENARIO (default demo);
# arguments go to ansible-playbook (hacking/demo.sh -v, or make demo ARGS=--check).
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[ -f "$VEEAM_EM_ROOT/playbooks/demo.yml" ] || die "playbooks/demo.yml does not exist yet"
[ -d "$VEEAM_EM_ROOT/tests/em_simulator" ] || die "tests/em_simulator does not exist yet"
prepare_tools_on_checkout

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
# The preflight also shows a read-only account: the scenario's Portal User.
export DEMO_READONLY_USERNAME=${DEMO_READONLY_USERNAME-reader} DEMO_READONLY_PASSWORD=${DEMO_READONLY_PASSWORD-reader-pass}
# Modules run with the venv's Python, which has requests.
export ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python
# Where the demo's report goes (kept until the next demo).
export DEMO_REPORT_DIR=$state_dir/report
mkdir -p "$DEMO_REPORT_DIR"
# Readable output for a newcomer: no skipped hosts, YAML results (no doubled backslashes).
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_CALLBACK_RESULT_FORMAT=yaml
cd "$VEEAM_EM_ROOT"
status=0
ansible-playbook -i playbooks/inventory/example.yml playbooks/demo.yml "$@" || status=$?

# What the simulated EM saw: the whole demo is a handful of requests, and nothing left open.
"$VENV/bin/python" - "$state_dir/sim.json" <<'PY' || true
import json, ssl, sys, urllib.request

with open(sys.argv[1], encoding='utf-8') as handle:
    sim = json.load(handle)
context = ssl.create_default_context(cafile=sim['ca_path'])
with urllib.request.urlopen(sim['control_url'] + '/counters', context=context) as answer:
    counters = json.load(answer)
print('The simulated Enterprise Manager answered %d requests for the whole demo (%d logons, %d logoffs,'
      ' %d logon sessions left open).' % (sum(counters['requests'].values()), counters['logons'],
                                          counters['logoffs'], counters['open_logon_sessions']))
PY
log "report files: $DEMO_REPORT_DIR"
exit "$status"
