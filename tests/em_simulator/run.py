# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``python tests/em_simulator/run.py ...``: the CLI without setting PYTHONPATH."""

import os
import sys

if __name__ == "__main__":
    HERE = os.path.dirname(os.path.abspath(__file__))
    # Import the package from its parent directory, and drop this directory from the path
    # so that its modules cannot shadow anything as top-level modules.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
    sys.path.insert(0, os.path.dirname(HERE))
    from em_simulator.cli import main   # pylint: disable=import-error

    sys.exit(main())
