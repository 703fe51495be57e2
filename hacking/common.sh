# shellcheck shell=bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Settings and helpers shared by the hacking/*.sh scripts. Source it, do not run it.
#
# Everything generated lives under .build/ (gitignored):
#   .build/venv    Python venv with the pins of hacking/requirements-dev.txt, rebuilt only
#                  when that file (or the interpreter) changes
#   .build/home    HOME for every Ansible tool, so nothing is written to the real home
#   .build/tree/ansible_collections/<namespace>/<name>
#                  fresh copy of the checkout (with .git and untracked, not ignored files),
#                  because ansible-test only runs inside such a path
#   .build/logs    pip logs; .build/dist  built tarballs; .build/demo  demo simulator state

VEEAM_EM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD_DIR=${VEEAM_EM_BUILD_DIR:-$VEEAM_EM_ROOT/.build}
PYTHON_VERSION=${PYTHON_VERSION:-3.11}
PYTHON=${PYTHON:-python$PYTHON_VERSION}
VENV=$BUILD_DIR/venv
TOOL_HOME=$BUILD_DIR/home
TREE_ROOT=$BUILD_DIR/tree
DEV_REQUIREMENTS=$VEEAM_EM_ROOT/hacking/requirements-dev.txt

galaxy_field() {
    sed -n "s/^$1:[[:space:]]*\\([A-Za-z0-9_.-]*\\).*/\\1/p" "$VEEAM_EM_ROOT/galaxy.yml" | head -n 1
}

COLLECTION_NAMESPACE=$(galaxy_field namespace)
COLLECTION_NAME=$(galaxy_field name)
COLLECTION_TREE=$TREE_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME

log() {
    printf '==> %s\n' "$*" >&2
}

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# Serialise the scripts that share .build/ (venv, tree, ansible-test HOME) between
# several people or terminals working in the same checkout. Child scripts inherit it.
acquire_lock() {
    if [ -n "${VEEAM_EM_LOCK_HELD:-}" ]; then
        return 0
    fi
    mkdir -p "$BUILD_DIR"
    exec 9>"$BUILD_DIR/lock"
    if ! flock -n 9; then
        log "another make run uses $BUILD_DIR; waiting for it to finish"
        flock 9
    fi
    export VEEAM_EM_LOCK_HELD=1
}

# Create .build/venv, or reuse it when the stamp (interpreter, venv path, pins) matches.
ensure_venv() {
    local want have
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; set PYTHON=/path/to/python$PYTHON_VERSION"
    want=$({ "$PYTHON" -c 'import sys; print(sys.version)'; echo "$VENV"; cat "$DEV_REQUIREMENTS"; } | sha256sum | cut -d' ' -f1)
    have=$(cat "$VENV/.stamp" 2>/dev/null || true)
    if [ "$want" != "$have" ] || [ ! -x "$VENV/bin/ansible-test" ]; then
        log "building $VENV from hacking/requirements-dev.txt (needs PyPI)"
        rm -rf "$VENV"
        mkdir -p "$BUILD_DIR/logs"
        "$PYTHON" -m venv "$VENV"
        if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet \
                -r "$DEV_REQUIREMENTS" >"$BUILD_DIR/logs/venv-pip.log" 2>&1; then
            grep -v "^WARNING: Location 'file:" "$BUILD_DIR/logs/venv-pip.log" | tail -n 40 >&2
            rm -rf "$VENV"
            die "pip install -r hacking/requirements-dev.txt failed (log: $BUILD_DIR/logs/venv-pip.log)"
        fi
        echo "$want" >"$VENV/.stamp"
    fi
    install_pip_standin
}

# ansible-test bootstraps pip in each venv it creates with ~/.ansible/test/cache/get_pip_<ver>.py
# and would download that file from a host we cannot reach: put our stand-in there, named
# after the pip version the installed ansible-test asks for.
install_pip_standin() {
    local pip_version target
    pip_version=$("$VENV/bin/python" - <<'PY'
import pathlib
import re

import ansible_test

source = (pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
match = re.search(r"pip='([0-9.]+)'", source)
print(match.group(1) if match else '')
PY
)
    [ -n "$pip_version" ] || die "cannot find the pip version ansible-test bootstraps; update install_pip_standin in hacking/common.sh"
    target=$TOOL_HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
    if ! cmp -s "$VEEAM_EM_ROOT/hacking/get_pip_standin.py" "$target"; then
        mkdir -p "$(dirname "$target")"
        cp "$VEEAM_EM_ROOT/hacking/get_pip_standin.py" "$target"
    fi
}

# Lay a fresh copy of the checkout at $COLLECTION_TREE: .git plus every file git would
# list (tracked and untracked, minus ignored ones), exactly what ansible-test looks at.
sync_tree() {
    [ -e "$VEEAM_EM_ROOT/.git" ] || die "$VEEAM_EM_ROOT is not a git checkout; ansible-test needs git to list the files"
    if [ -z "$COLLECTION_NAMESPACE" ] || [ -z "$COLLECTION_NAME" ]; then
        die "cannot read namespace/name from galaxy.yml"
    fi
    # Keep the venvs of `ansible-test ... --venv` (tests/output/.tmp/delegation) across
    # copies: ansible-test reuses them, which saves about 12 s per `make units`.
    local venvs=$COLLECTION_TREE/tests/output/.tmp/delegation parked=$BUILD_DIR/delegation-venvs
    rm -rf "$parked"
    if [ -d "$venvs" ]; then
        mv "$venvs" "$parked"
    fi
    rm -rf "$TREE_ROOT"
    mkdir -p "$COLLECTION_TREE"
    cp -a "$VEEAM_EM_ROOT/.git" "$COLLECTION_TREE/.git"
    git -C "$VEEAM_EM_ROOT" ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' path; do
            # Files deleted from the work tree but still in the index are skipped.
            if [ -e "$VEEAM_EM_ROOT/$path" ] || [ -L "$VEEAM_EM_ROOT/$path" ]; then
                printf '%s\0' "$path"
            fi
        done |
        tar -C "$VEEAM_EM_ROOT" --null --no-recursion -T - -cf - | tar -xf - -C "$COLLECTION_TREE"
    if [ -d "$parked" ]; then
        mkdir -p "$(dirname "$venvs")"
        mv "$parked" "$venvs"
    fi
}

# Environment for every Ansible tool: venv first on PATH, HOME and Ansible's temp
# directories under .build/home.
enter_tool_env() {
    mkdir -p "$TOOL_HOME/.ansible/tmp"
    export HOME=$TOOL_HOME
    export ANSIBLE_LOCAL_TEMP=$TOOL_HOME/.ansible/tmp
    export ANSIBLE_REMOTE_TMP=$TOOL_HOME/.ansible/tmp
    export VIRTUAL_ENV=$VENV
    export PATH=$VENV/bin:$PATH
    unset PYTHONHOME
}

# The start of every script that runs a tool on this checkout: hold the .build lock,
# have the venv, lay a fresh copy of the checkout, and enter the tools' environment.
prepare_tools_on_checkout() {
    acquire_lock
    ensure_venv
    sync_tree
    enter_tool_env
}

# Build the collection tarball from $COLLECTION_TREE into the directory $1 (emptied first)
# and print its path.
build_tarball() {
    local out=$1 tarball
    rm -rf "$out"
    mkdir -p "$out"
    (cd "$COLLECTION_TREE" && ansible-galaxy collection build --output-path "$out" >/dev/null)
    tarball=$out/$COLLECTION_NAMESPACE-$COLLECTION_NAME-$(galaxy_field version).tar.gz
    [ -f "$tarball" ] || die "ansible-galaxy did not produce $tarball"
    printf '%s\n' "$tarball"
}
