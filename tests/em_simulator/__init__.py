# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Veeam Backup Enterprise Manager REST simulator for the collection's tests (see README.md).

Run ``python -m em_simulator --help`` with ``tests/`` on PYTHONPATH, or
``python tests/em_simulator/run.py --help``. Importing the package loads nothing heavy;
the server lives in :mod:`em_simulator.server`.
"""
