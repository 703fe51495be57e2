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
# shellcheck source=hacking/simulator.sh
. "$(dirname "${BASH_SOURCE[0]}")/simulator.sh"

[ -f "$VEEAM_EM_ROOT/playbooks/demo.yml" ] || die "playbooks/demo.yml does not exist yet"
[ -d "$VEEAM_EM_ROOT/tests/em_simulator" ] || die "tests/em_simulator does not exist yet"
prepare_tools_on_checkout

state_dir=$BUILD_DIR/demo
sim_tests=$COLLECTION_TREE/tests
trap 'stop_simulator "$sim_tests" "$state_dir"' EXIT

log "starting the EM simulator (scenario ${DEMO_SCENARIO:-demo}, EM ${DEMO_EM_VERSION:-v12})"
start_simulator "$sim_tests" "$state_dir" --scenario "${DEMO_SCENARIO:-demo}" --em-version "${DEMO_EM_VERSION:-v12}"
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
if read -r requests logons logoffs open_sessions < <(simulator_counters "$state_dir"); then
    echo "The simulated Enterprise Manager answered $requests requests for the whole demo ($logons logons," \
        "$logoffs logoffs, $open_sessions logon sessions left open)."
fi
log "report files: $DEMO_REPORT_DIR"
exit "$status"
