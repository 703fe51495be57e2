#!/usr/bin/env bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make integration`: every integration target, in two shards that run at the same
# time, each with `ansible-test integration --local` in its own copy of the checkout
# (ansible-test keeps its state in tests/output of the tree it runs in). The targets
# spend most of their time starting Python processes, so two shards on two cores
# finish in a little over half the time of one run. Each shard's output is printed
# whole once it ends. With arguments (make integration ARGS=target), one plain run.
set -euo pipefail
# shellcheck source=hacking/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ $# -gt 0 ]; then
    exec "$(dirname "${BASH_SOURCE[0]}")/ansible-test.sh" integration --local "$@"
fi

prepare_tools_on_checkout

# Targets that are not setup targets (setup_* or aliases "hidden"), the slowest first, dealt out
# in turn so that each shard gets a similar share.
mapfile -t targets < <(
    for dir in "$COLLECTION_TREE"/tests/integration/targets/*/; do
        name=$(basename "$dir")
        case $name in setup_*) continue ;; esac
        grep -qx hidden "$dir/aliases" 2>/dev/null && continue
        printf '%s %s\n' "$(find "$dir" -name '*.yml' -exec cat {} + | grep -c '^ *- name:')" "$name"
    done | sort -rn | awk '{print $2}')
[ ${#targets[@]} -gt 0 ] || { log "no integration targets yet: nothing to run"; exit 0; }
shards=(); for i in "${!targets[@]}"; do shards[i % 2]+="${targets[i]} "; done

# The second shard runs in a copy of the first tree (with its .git, for the file list).
second_root=$BUILD_DIR/tree-shard2
rm -rf "$second_root"
mkdir -p "$second_root/ansible_collections/$COLLECTION_NAMESPACE"
cp -a "$COLLECTION_TREE" "$second_root/ansible_collections/$COLLECTION_NAMESPACE/"
rm -rf "$second_root/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME/tests/output"
trees=("$COLLECTION_TREE" "$second_root/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME")

# The first ansible-test run of a HOME creates an SSH key pair there; two at once race
# for it. So the second shard starts once the first has made it (or has ended).
ssh_key=$HOME/.ansible/test/id_rsa
pids=()
for shard in 0 1; do
    [ -n "${shards[shard]:-}" ] || continue
    if [ "$shard" = 1 ]; then
        for _ in $(seq 600); do
            { [ -f "$ssh_key" ] && [ -f "$ssh_key.pub" ]; } || ! kill -0 "${pids[0]}" 2>/dev/null && break
            sleep 0.2
        done
    fi
    log "shard $((shard + 1)): ${shards[shard]}"
    # shellcheck disable=SC2086  # the target names are words
    (cd "${trees[shard]}" && exec ansible-test integration --local --python "$PYTHON_VERSION" ${shards[shard]}) \
        >"$BUILD_DIR/integration-shard$((shard + 1)).log" 2>&1 &
    pids[shard]=$!
done

status=0
for shard in "${!pids[@]}"; do
    if wait "${pids[shard]}"; then result=passed; else result=FAILED; status=1; fi
    printf '\n======== integration shard %d (%s): %s ========\n' $((shard + 1)) "${shards[shard]}" "$result"
    cat "$BUILD_DIR/integration-shard$((shard + 1)).log"
done
exit "$status"
