# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up options of one simulator instance (the CLI maps onto this one to one)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

#: EM generation -> REST API versions its GET /api/ lists (documented version map).
EM_VERSIONS: Dict[str, Tuple[str, ...]] = {
    "v10": ("v1_5",),
    "v11": ("v1_5", "v1_6"),
    "v12": ("v1_5", "v1_6", "v1_7"),
    "v13": ("v1_5", "v1_6", "v1_7"),
}
CASINGS = ("pascal", "camel")


@dataclass
class SimConfig:
    state_dir: Path
    scenario: Union[str, Path, Dict[str, Any]] = "basic"
    em_version: str = "v12"
    casing: Optional[str] = None           # None: camel for v13, pascal before
    bom: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    idle_timeout: float = 900.0            # EM's documented 15 minutes
    lifetime: float = 3600.0               # 0: no limit
    seed: Optional[int] = None
    page_size_default: int = 100
    page_size_max: Optional[int] = None    # a server-side cap on pageSize; None: no cap
    task_seconds: Optional[float] = None   # None: the scenario's value (default 0.3)
    stopping_seconds: Optional[float] = None
    log_file: Optional[Path] = None        # access log; None: no log

    def __post_init__(self) -> None:
        self.state_dir = Path(self.state_dir)
        if self.em_version not in EM_VERSIONS:
            raise ValueError("em_version must be one of %s" % ", ".join(EM_VERSIONS))
        if self.casing is not None and self.casing not in CASINGS:
            raise ValueError("casing must be one of %s" % ", ".join(CASINGS))
        if self.page_size_default < 1:
            raise ValueError("page_size_default must be at least 1")
        if self.page_size_max is not None and self.page_size_max < 1:
            raise ValueError("page_size_max must be at least 1")
        if self.idle_timeout <= 0:
            raise ValueError("idle_timeout must be positive")

    @property
    def effective_casing(self) -> str:
        return self.casing or ("camel" if self.em_version == "v13" else "pascal")

    @property
    def api_versions(self) -> Tuple[str, ...]:
        return EM_VERSIONS[self.em_version]
