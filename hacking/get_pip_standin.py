# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for the pip bootstrap script of ansible-test.

ansible-test creates its virtual environments without pip and bootstraps pip by running
~/.ansible/test/cache/get_pip_<version>.py, a file it otherwise downloads from a host
this machine cannot reach. hacking/common.sh copies this file to that path (HOME being
.build/home). It seeds pip from the interpreter's bundled ensurepip, then has that pip
install the pip release ansible-test asked for from the package index.

ansible-test calls it as: <python> <this file> --disable-pip-version-check pip==X.Y
[--no-setuptools] [--no-wheel]
"""

import subprocess
import sys

DROPPED_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    """Bootstrap pip into the running interpreter's environment."""
    requested = sys.argv[1:]
    pip_args = [arg for arg in requested if arg not in DROPPED_OPTIONS]

    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + pip_args)

    if '--no-setuptools' in requested:
        # ensurepip of Python < 3.12 also installs setuptools; honour the request to go without it.
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--quiet', '--yes', 'setuptools'],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == '__main__':
    main()
