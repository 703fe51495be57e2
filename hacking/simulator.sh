# shellcheck shell=bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The EM simulator (tests/em_simulator) for the scripts that run the collection against it
# outside ansible-test (demo.sh, build.sh). Source it after common.sh. TESTS_DIR is the
# tests/ directory of the collection copy whose simulator runs; STATE_DIR holds sim.json.

# simulator TESTS_DIR ARGS...: the simulator's command line.
simulator() {
    local tests_dir=$1
    shift
    # 9>&-: the simulator daemon must not inherit (and so keep) the .build lock.
    PYTHONPATH=$tests_dir "$VENV/bin/python" -m em_simulator "$@" 9>&-
}

# start_simulator TESTS_DIR STATE_DIR ARGS...: a new daemon in an emptied STATE_DIR (one
# left there by an interrupted run is stopped first), its address and account exported as
# the VEEAM_EM_* variables the collection reads: VEEAM_EM_URL, VEEAM_EM_CA_PATH (its own
# CA, so TLS is verified), VEEAM_EM_USERNAME and VEEAM_EM_PASSWORD.
start_simulator() {
    local tests_dir=$1 state_dir=$2 name value
    shift 2
    stop_simulator "$tests_dir" "$state_dir"
    rm -rf "$state_dir"
    mkdir -p "$state_dir"
    # Its stdout repeats sim.json, read below.
    simulator "$tests_dir" --state-dir "$state_dir" --daemon "$@" >/dev/null
    while IFS='=' read -r name value; do
        export "$name=$value"
    done < <("$VENV/bin/python" - "$state_dir/sim.json" <<'PY'
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
}

# stop_simulator TESTS_DIR STATE_DIR: stop the daemon of STATE_DIR, if there is one.
stop_simulator() {
    if [ -f "$2/sim.json" ]; then
        simulator "$1" --stop --state-dir "$2" || log "could not stop the simulator (state: $2)"
    fi
}

# simulator_counters STATE_DIR: "REQUESTS LOGONS LOGOFFS OPEN_LOGON_SESSIONS", what the
# simulator saw since it started.
simulator_counters() {
    "$VENV/bin/python" - "$1/sim.json" <<'PY'
import json, ssl, sys, urllib.request

with open(sys.argv[1], encoding='utf-8') as handle:
    sim = json.load(handle)
context = ssl.create_default_context(cafile=sim['ca_path'])
with urllib.request.urlopen(sim['control_url'] + '/counters', context=context) as answer:
    counters = json.load(answer)
print(sum(counters['requests'].values()), counters['logons'], counters['logoffs'], counters['open_logon_sessions'])
PY
}
