# -*- coding: utf-8 -*-
# Copyright: Contributors to the backupgate.veeam_em collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``filter=`` grammar of EM's query service: parse it, then evaluate it on records.

This module is self-contained (standard library only, no package-relative imports) so
that tests can load it straight from its file path and round-trip a client's filter
quoting through it without starting a server::

    pred = parse('JobType==NasBackup;(Result==Failed,Result==Warning)')
    evaluate(pred, {"JobType": "NasBackup", "Result": "Warning"})   # -> True

Grammar (``,`` is OR and binds loosest, ``;`` is AND)::

    expr       = and_expr { "," and_expr }
    and_expr   = term { ";" term }
    term       = "(" expr ")" | comparison
    comparison = property op value
    property   = letter { letter | digit | "_" | "." }       (case-insensitive)
    op         = "==" | "!=" | "<=" | ">=" | "<" | ">"
    value      = quoted | unquoted
    quoted     = '"' { any character but '"' | '""' } '"'   ('""' is a literal quote)
    unquoted   = the characters up to the next ";" "," ")" or the end, with every
                 whitespace character removed (EM ignores spaces in unquoted values)

Whitespace between tokens is ignored. Comparison semantics (as EM applies them):

* property names are case-insensitive, and so are string values (the documented
  examples compare ``jobtype==backup`` against ``Backup``; EM's store uses a
  case-insensitive collation - an inference);
* enumerations compare by their position in the enum, not alphabetically
  (``Result>Success`` is Warning, Failed or None); the orders are below; a filter may
  name only the documented Result values (``Result==None`` is refused);
* date-times are UTC: ``"2025-08-15T06:00:00Z"``, unquoted without ``Z``
  (``2025-02-18T14:16:31``), or a bare date (``2019-06-30`` = midnight UTC);
  other UTC offsets are refused;
* a property without a value (``EndTime`` of a running session) satisfies only
  ``!=`` - null compares unequal to everything and is neither less nor greater.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

# ---------------------------------------------------------------------------------------
# Enumeration orders: the ONE place that fixes them. EM compares enum values by index.
# ---------------------------------------------------------------------------------------
#: BackupJobSession.State, in the documented order.
STATE_ORDER: Tuple[str, ...] = ("Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped")
#: BackupJobSession.Result: the documented Success < Warning < Failed, then "None" (the
#: value of a running session) last - its place is an inference.
RESULT_ORDER: Tuple[str, ...] = ("Success", "Warning", "Failed", "None")
#: The Result values a filter may name: only the documented ones. ``Result==None`` is
#: refused (400) as EM refuses a value it does not know; a running session is selected
#: by State instead.
RESULT_FILTER_VALUES: Tuple[str, ...] = ("Success", "Warning", "Failed")
#: BackupTaskSession.State, in the documented order.
TASK_STATE_ORDER: Tuple[str, ...] = ("InProgress", "Pending", "Completed")

OPERATORS: Tuple[str, ...] = ("==", "!=", "<=", ">=", "<", ">")   # two-character ones first


class FilterError(ValueError):
    """Base class: the filter cannot be used (EM answers 400)."""


class FilterSyntaxError(FilterError):
    """The text does not follow the grammar."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        self.reason = message
        super().__init__("Invalid filter at position %d: %s" % (position, message))


class FilterValueError(FilterError):
    """Grammatical, but names an unknown property or a value of the wrong kind."""


# ---------------------------------------------------------------------------------------
# Syntax tree
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    prop: str
    op: str
    value: str
    quoted: bool
    position: int

    def __str__(self) -> str:
        value = '"%s"' % self.value.replace('"', '""') if self.quoted else self.value
        return "%s%s%s" % (self.prop, self.op, value)


@dataclass(frozen=True)
class And:
    terms: Tuple["Node", ...]

    def __str__(self) -> str:
        return ";".join(_grouped(t) for t in self.terms)


@dataclass(frozen=True)
class Or:
    terms: Tuple["Node", ...]

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


Node = Union[Comparison, And, Or]


def _grouped(node: Node) -> str:
    return "(%s)" % node if isinstance(node, Or) else str(node)


# ---------------------------------------------------------------------------------------
# Parser (recursive descent over the raw text; positions are 0-based character offsets)
# ---------------------------------------------------------------------------------------
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_VALUE_END = frozenset(";,)")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _describe_here(self) -> str:
        return "end of filter" if self.pos >= len(self.text) else repr(self.text[self.pos])

    def parse(self) -> Node:
        if not self._peek():
            raise FilterSyntaxError("the filter is empty", self.pos)
        node = self._expr()
        if self._peek():
            if self.text[self.pos] == ")":
                raise FilterSyntaxError("')' without a matching '('", self.pos)
            raise FilterSyntaxError("expected ';', ',' or the end of the filter, found %s" % self._describe_here(), self.pos)
        return node

    def _expr(self) -> Node:
        terms = [self._and_expr()]
        while self._peek() == ",":
            self.pos += 1
            terms.append(self._and_expr())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def _and_expr(self) -> Node:
        terms = [self._term()]
        while self._peek() == ";":
            self.pos += 1
            terms.append(self._term())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def _term(self) -> Node:
        if self._peek() == "(":
            opening = self.pos
            self.pos += 1
            node = self._expr()
            if self._peek() != ")":
                raise FilterSyntaxError("'(' at position %d is not closed; found %s" % (opening, self._describe_here()), self.pos)
            self.pos += 1
            return node
        return self._comparison()

    def _comparison(self) -> Comparison:
        self._skip_ws()
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise FilterSyntaxError("expected a property name, found %s" % self._describe_here(), self.pos)
        prop = match.group(0)
        self.pos = match.end()
        self._skip_ws()
        op = next((o for o in OPERATORS if self.text.startswith(o, self.pos)), None)
        if op is None:
            if self.text.startswith("=", self.pos):
                raise FilterSyntaxError("'=' is not an operator after %r; use '=='" % prop, self.pos)
            raise FilterSyntaxError("expected a comparison operator (==, !=, <, >, <=, >=) after %r, found %s"
                                    % (prop, self._describe_here()), self.pos)
        self.pos += len(op)
        self._skip_ws()
        if self.pos < len(self.text) and self.text[self.pos] == '"':
            value = self._quoted()
            return Comparison(prop, op, value, True, start)
        value = self._unquoted(prop, op)
        return Comparison(prop, op, value, False, start)

    def _quoted(self) -> str:
        opening = self.pos
        self.pos += 1
        chunks = []
        while True:
            end = self.text.find('"', self.pos)
            if end < 0:
                raise FilterSyntaxError("the quoted value starting at position %d is not closed" % opening, opening)
            chunks.append(self.text[self.pos:end])
            if self.text.startswith('""', end):     # doubled quote: a literal '"'
                chunks.append('"')
                self.pos = end + 2
                continue
            self.pos = end + 1
            return "".join(chunks)

    def _unquoted(self, prop: str, op: str) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _VALUE_END:
            if self.text[self.pos] == '"':
                raise FilterSyntaxError("a '\"' inside an unquoted value; quote the whole value", self.pos)
            self.pos += 1
        value = "".join(self.text[start:self.pos].split())
        if not value:
            raise FilterSyntaxError("missing value after %s%s" % (prop, op), start)
        return value


def parse(expr: str) -> Node:
    """Parse a filter expression (already percent-decoded) into a predicate tree."""
    if not isinstance(expr, str):
        raise TypeError("filter must be a str")
    return _Parser(expr).parse()


# ---------------------------------------------------------------------------------------
# Property types: how a literal and a record value become comparable keys
# ---------------------------------------------------------------------------------------
class PropType:
    name = "string"

    def literal_key(self, text: str, prop: str) -> Any:
        return text.casefold()

    def value_key(self, value: Any) -> Any:
        return None if value is None else str(value).casefold()


class DateType(PropType):
    name = "datetime"

    def literal_key(self, text: str, prop: str) -> Any:
        try:
            return parse_utc_datetime(text)
        except ValueError as exc:
            raise FilterValueError("Invalid date-time %r for %s: %s" % (text, prop, exc)) from None

    def value_key(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        return parse_utc_datetime(str(value))


class EnumType(PropType):
    name = "enum"

    def __init__(self, order: Tuple[str, ...], literals: Optional[Tuple[str, ...]] = None) -> None:
        self.order = order
        self.index = {v.casefold(): i for i, v in enumerate(order)}
        # A filter may name only these (default: every value of the order).
        self.literals = literals or order
        self.accepted = frozenset(v.casefold() for v in self.literals)

    def literal_key(self, text: str, prop: str) -> Any:
        folded = text.casefold()
        if folded not in self.accepted:
            raise FilterValueError("Invalid value %r for %s; expected one of: %s"
                                   % (text, prop, ", ".join(self.literals)))
        return self.index[folded]

    def value_key(self, value: Any) -> Any:
        if value is None:
            return None
        return self.index.get(str(value).casefold(), len(self.order))   # unknown values sort last


class BoolType(PropType):
    name = "boolean"

    def literal_key(self, text: str, prop: str) -> Any:
        folded = text.casefold()
        if folded not in ("true", "false"):
            raise FilterValueError("Invalid value %r for %s; expected true or false" % (text, prop))
        return folded == "true"

    def value_key(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        return str(value).casefold() == "true"


class IntType(PropType):
    name = "integer"

    def literal_key(self, text: str, prop: str) -> Any:
        try:
            return int(text)
        except ValueError:
            raise FilterValueError("Invalid value %r for %s; expected an integer" % (text, prop)) from None

    def value_key(self, value: Any) -> Any:
        return None if value is None else int(value)


STRING = PropType()
DATETIME = DateType()
BOOLEAN = BoolType()
INTEGER = IntType()

Schema = Mapping[str, PropType]

#: Filter/sort properties per query type (the documented parameter tables).
SCHEMAS: Dict[str, Dict[str, PropType]] = {
    "BackupJobSession": {
        "UID": STRING, "Name": STRING, "JobType": STRING, "JobUid": STRING, "JobName": STRING,
        "CreationTime": DATETIME, "EndTime": DATETIME, "State": EnumType(STATE_ORDER),
        "Result": EnumType(RESULT_ORDER, RESULT_FILTER_VALUES), "IsRetry": BOOLEAN,
        "BackupServerUid": STRING, "BackupServerName": STRING,
    },
    "BackupTaskSession": {
        "UID": STRING, "Name": STRING, "CreationTime": DATETIME, "EndTime": DATETIME,
        "State": EnumType(TASK_STATE_ORDER), "Result": EnumType(RESULT_ORDER, RESULT_FILTER_VALUES),
        "Reason": STRING,
        "TotalSize": INTEGER, "JobSessionUid": STRING, "JobUid": STRING, "JobName": STRING,
        "BackupServerUid": STRING, "BackupServerName": STRING, "VmDisplayName": STRING,
    },
    "NasJob": {
        "UID": STRING, "Name": STRING, "Description": STRING, "NextRun": DATETIME,
        "ScheduleConfigured": BOOLEAN, "ScheduleEnabled": BOOLEAN,
        "BackupServerUid": STRING, "BackupServerName": STRING,
    },
}

_DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def parse_utc_datetime(text: str) -> datetime:
    """``2025-08-15T06:00:00Z``, ``2025-08-15T06:00:00.1234567``, ``2025-08-15`` -> aware UTC."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise ValueError("expected a UTC date-time such as 2025-08-15T06:00:00Z or a date such as 2025-08-15")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone and zone.upper() != "Z" and zone.replace(":", "")[1:] != "0000":
        raise ValueError("only UTC values are accepted (use Z)")
    micro = int((fraction or "0").ljust(6, "0")[:6])
    return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                    micro, tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------
_COMPARE: Dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]


def resolve_schema(schema: Union[str, Schema]) -> Schema:
    if isinstance(schema, str):
        for name, props in SCHEMAS.items():
            if name.casefold() == schema.casefold():
                return props
        raise FilterValueError("Unknown query type %r" % schema)
    return schema


def canonical_property(schema: Schema, prop: str) -> Optional[str]:
    """The schema's spelling of ``prop`` (property names are case-insensitive)."""
    folded = prop.casefold()
    return next((name for name in schema if name.casefold() == folded), None)


def bind(node: Node, schema: Union[str, Schema] = "BackupJobSession", *, prekeyed: bool = False) -> Predicate:
    """Check ``node`` against a schema and compile it into ``predicate(record) -> bool``.

    Records map canonical property names to values. With ``prekeyed=True`` their values
    are already comparison keys (see :func:`record_keys`), which is what the server keeps
    for its 10,000+ sessions so that a filter pass does no per-value conversion.
    """
    props = resolve_schema(schema)

    def build(n: Node) -> Predicate:
        if isinstance(n, And):
            parts = tuple(build(t) for t in n.terms)
            return lambda rec: all(p(rec) for p in parts)
        if isinstance(n, Or):
            parts = tuple(build(t) for t in n.terms)
            return lambda rec: any(p(rec) for p in parts)
        name = canonical_property(props, n.prop)
        if name is None:
            raise FilterValueError("Unknown property %r in filter; known properties: %s"
                                   % (n.prop, ", ".join(props)))
        ptype = props[name]
        literal = ptype.literal_key(n.value, n.prop)      # messages use the caller's spelling
        compare = _COMPARE[n.op]
        null_result = n.op == "!="
        to_key = None if prekeyed else ptype.value_key

        def predicate(rec: Record) -> bool:
            value = rec.get(name)
            if to_key is not None:
                value = to_key(value)
            if value is None:
                return null_result
            return compare(value, literal)
        return predicate

    return build(node)


def record_keys(schema: Union[str, Schema], record: Record) -> Dict[str, Any]:
    """A record's values turned into comparison keys, for ``bind(..., prekeyed=True)``."""
    props = resolve_schema(schema)
    return {name: ptype.value_key(record.get(name)) for name, ptype in props.items()}


_KNOWN_TYPES: Dict[str, PropType] = {}
for _props in reversed(list(SCHEMAS.values())):       # BackupJobSession wins a clash (State)
    _KNOWN_TYPES.update({k.casefold(): v for k, v in _props.items()})


def _infer_type(value: Any) -> PropType:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (datetime, date)):
        return DATETIME
    if isinstance(value, int):
        return INTEGER
    return STRING


def evaluate(pred: Node, record: Record, schema: Union[str, Schema, None] = None) -> bool:
    """Evaluate a parsed filter on one plain record.

    Keys are matched case-insensitively; ``CreationTime`` also finds ``CreationTimeUTC``
    (the entity's spelling). Values may be Python values (datetime, bool) or the strings
    an EM entity carries. Without ``schema`` the property types come from the documented
    tables (BackupJobSession first), or from the Python type of the value.
    """
    folded: Dict[str, Any] = {}
    for key, value in record.items():
        fkey = key.casefold()
        folded[fkey] = value
        if fkey.endswith("utc"):
            folded.setdefault(fkey[:-3], value)
    if schema is None:
        types = {k: _KNOWN_TYPES.get(k) or _infer_type(v) for k, v in folded.items()}
    else:
        types = {k.casefold(): v for k, v in resolve_schema(schema).items()}
    return bind(pred, types)(folded)


__all__ = [
    "STATE_ORDER", "RESULT_ORDER", "RESULT_FILTER_VALUES", "TASK_STATE_ORDER", "OPERATORS", "SCHEMAS",
    "FilterError", "FilterSyntaxError", "FilterValueError",
    "Comparison", "And", "Or", "Node",
    "parse", "bind", "evaluate", "record_keys", "canonical_property", "parse_utc_datetime",
]
