# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python interpreter `make bench` gives Ansible: runs the module as a child, then
appends ``<module file> <peak RSS KiB> <seconds>`` to $BENCH_RSS_LOG.

Ansible runs a module as ``<interpreter> AnsiballZ_<name>.py``; measuring here isolates
the module process from ansible-playbook and its workers. With $BENCH_PROFILE_DIR set,
the module runs under pyinstrument and its text profile lands in that directory.
"""

import os
import resource
import subprocess
import sys
import time


def main() -> int:
    python = os.environ.get("BENCH_REAL_PYTHON", sys.executable)
    script = os.path.basename(sys.argv[-1]) if len(sys.argv) > 1 else "-"
    command = [python] + sys.argv[1:]
    profile_dir = os.environ.get("BENCH_PROFILE_DIR")
    if profile_dir and script.startswith("AnsiballZ_"):
        out = os.path.join(profile_dir, "module-%s-%d.txt" % (script[len("AnsiballZ_"):-3], os.getpid()))
        command = [python, "-m", "pyinstrument", "--renderer", "text", "--outfile", out] + sys.argv[1:]
    started = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    log = os.environ.get("BENCH_RSS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("%s %d %.4f\n" % (script, peak_kib, seconds))
    return code


if __name__ == "__main__":
    sys.exit(main())
