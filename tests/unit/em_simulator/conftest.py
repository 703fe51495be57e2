# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the EM simulator's own tests.

The simulator (tests/em_simulator) is not on sys.path under ansible-test, so the package
is loaded from its path here, once, as ``em_simulator``; so is the helper module
``emsim_support`` (importing it by name would depend on pytest's import mode).
"""

import importlib.util
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

HERE = Path(__file__).resolve().parent
SIM_DIR = HERE.parents[1] / "em_simulator"


def _load(name: str, path: Path, package_dir: Optional[Path] = None) -> None:
    if name in sys.modules:
        return
    locations = [str(package_dir)] if package_dir else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


_load("em_simulator", SIM_DIR / "__init__.py", SIM_DIR)
_load("emsim_support", HERE / "emsim_support.py")

from emsim_support import Direct, FakeClock, make_app  # noqa: E402  pylint: disable=wrong-import-position,import-error


@pytest.fixture
def direct(tmp_path):
    """A logged-on admin against the SMALL scenario, in-process."""
    client = Direct(make_app(tmp_path))
    client.logon()
    return client


@pytest.fixture
def app_factory(tmp_path):
    def factory(scenario: Any = None, **options: Any) -> Direct:
        return Direct(make_app(tmp_path, scenario, **options))
    return factory


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def timed(tmp_path, clock):
    """Like ``direct``, but time moves only through ``clock.advance``."""
    client = Direct(make_app(tmp_path, clock=clock))
    client.logon()
    return client
