# shellcheck shell=bash
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Settings and helpers shared by the hacking/*.sh scripts. Source it, do not run it.
#
# Everything generated lives under .build/ (gitignored):
#   .build/tox/<cell>  the venv of a cell of tox.ini (ansible-core x Python); tox builds it
#                  and rebuilds it when its pins change. CELL picks one (default below).
#   .build/tox-bootstrap  a venv holding tox itself (hacking/requirements-tox.txt)
#   .build/home    HOME for every Ansible tool, so nothing is written to the real home
#   .build/tree/ansible_collections/<namespace>/<name>
#                  fresh copy of the checkout (with .git and untracked, not ignored files),
#                  because ansible-test only runs inside such a path
#   .build/logs    pip logs; .build/dist  built tarballs; .build/demo  demo simulator state

VEEAM_EM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD_DIR=${VEEAM_EM_BUILD_DIR:-$VEEAM_EM_ROOT/.build}
# Inside a tox environment tox names the cell and its venv; outside, CELL (default: the
# first of tox.ini's env_list, the one that carries the development tools).
DEFAULT_CELL=core219-py311
CELL=${TOX_ENV_NAME:-${CELL:-$DEFAULT_CELL}}
VENV=${TOX_ENV_DIR:-$BUILD_DIR/tox/$CELL}
TOOL_HOME=$BUILD_DIR/home
TREE_ROOT=$BUILD_DIR/tree
TOX_BOOTSTRAP=$BUILD_DIR/tox-bootstrap
TOX=$TOX_BOOTSTRAP/bin/tox

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

# pyenv keeps each Python in its own prefix and its shims answer only for the versions
# selected: select every installed one (the current first) so that tox finds python3.12.
select_pyenv_pythons() {
    local current
    command -v pyenv >/dev/null 2>&1 || return 0
    [ -z "${VEEAM_EM_PYENV_SELECTED:-}" ] || return 0
    current=$(pyenv version-name 2>/dev/null | cut -d: -f1)
    PYENV_VERSION=$({ echo "$current"; pyenv versions --bare; } | awk 'NF && !seen[$0]++' | paste -sd: -)
    export PYENV_VERSION VEEAM_EM_PYENV_SELECTED=1
}

# Ready tox to run: every pyenv Python selected, and tox in .build/tox-bootstrap, installed
# again only when hacking/requirements-tox.txt or the interpreter changes. Logs go to
# .build/logs.
ensure_tox() {
    local python want requirements=$VEEAM_EM_ROOT/hacking/requirements-tox.txt
    select_pyenv_pythons
    mkdir -p "$BUILD_DIR/logs"
    python=$(command -v python3) || die "python3 not found: tox needs a Python 3 to run from"
    want=$({ "$python" -c 'import sys; print(sys.version)'; cat "$requirements"; } | sha256sum | cut -d' ' -f1)
    if [ "$want" != "$(cat "$TOX_BOOTSTRAP/.stamp" 2>/dev/null)" ] || [ ! -x "$TOX" ]; then
        log "installing tox into $TOX_BOOTSTRAP (needs PyPI)"
        rm -rf "$TOX_BOOTSTRAP"
        "$python" -m venv "$TOX_BOOTSTRAP"
        "$TOX_BOOTSTRAP/bin/python" -m pip install --disable-pip-version-check --quiet \
            -r "$requirements" >"$BUILD_DIR/logs/tox-pip.log" 2>&1 ||
            { tail -n 20 "$BUILD_DIR/logs/tox-pip.log" >&2; rm -rf "$TOX_BOOTSTRAP"; die "pip install tox failed (log: $BUILD_DIR/logs/tox-pip.log)"; }
        echo "$want" >"$TOX_BOOTSTRAP/.stamp"
    fi
}

run_tox() {
    "$TOX" run -c "$VEEAM_EM_ROOT/tox.ini" --workdir "$BUILD_DIR/tox" "$@"
}

# Have the venv of $CELL: tox builds it (or finds it current) unless we already run in it.
ensure_venv() {
    if [ -z "${TOX_ENV_DIR:-}" ]; then
        ensure_tox
        run_tox -e "$CELL" --notest -q >"$BUILD_DIR/logs/tox-$CELL.log" 2>&1 ||
            { tail -n 30 "$BUILD_DIR/logs/tox-$CELL.log" >&2; die "tox could not prepare cell $CELL (log: $BUILD_DIR/logs/tox-$CELL.log)"; }
    fi
    [ -x "$VENV/bin/ansible-test" ] || die "cell $CELL has no ansible-test in $VENV (is it a cell of tox.ini?)"
    PYTHON_VERSION=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    export PYTHON_VERSION
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
