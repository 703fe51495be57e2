# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One tree for both wire formats.

EM serialises the same objects to XML (some properties as attributes, lists wrapped or
not) and to JSON (every property a key, lists as arrays). An :class:`Obj` records, per
property, how XML shows it; JSON needs nothing more than the names.
"""

from typing import Any, List, Optional, Sequence, Tuple

ATTR = "attr"    # XML attribute (scalars only)
ELEM = "elem"    # XML child element: <Name>text</Name>, or <Name ...> for an Obj value
LIST = "list"    # wrapped list: <Name><Item/><Item/></Name>   (JSON: "Name": [...])
FLAT = "flat"    # unwrapped list: <Item/><Item/> directly       (JSON: "Name": [...])


class _Omit:
    """A property that is left out entirely (not even ``null`` in JSON)."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()

Prop = Tuple[str, Any, str]


class Obj:
    """An EM object: ``tag`` names its XML element when it is the root or a list item."""
    __slots__ = ("tag", "props", "xml_order")

    def __init__(self, tag: str, props: List[Prop], xml_order: Optional[Sequence[str]] = None) -> None:
        self.tag = tag
        self.props = props               # JSON order
        self.xml_order = xml_order       # XML order of the props, when it differs
