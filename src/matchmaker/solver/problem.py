"""The scheduling problem as typed dataclasses, validated on construction.

Everything the engine takes in lives here: slots grouped into sessions, tables, participants,
candidate meetings and rules. Ids are strings (the web app passes database ids as strings).
`Problem.from_dict` / `Problem.to_dict` are the JSON form documented in docs/solver.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import SolverError

RULE_KINDS = ("min_with_group", "max_in_row", "fairness")


def _str_id(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SolverError(f"{what}: id must be a string, got {value!r}")
    text = str(value)
    if not text:
        raise SolverError(f"{what}: id must not be empty")
    return text


def _int(value: Any, what: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SolverError(f"{what} must be an integer, got {value!r}")
    if value < minimum:
        raise SolverError(f"{what} must be at least {minimum}, got {value}")
    return value


def _check_keys(data: Any, allowed: set[str], what: str) -> dict:
    if not isinstance(data, dict):
        raise SolverError(f"{what} must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise SolverError(f"{what}: unknown field {unknown[0]!r}")
    return data


def _str_list(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise SolverError(f"{what} must be a list")
    return tuple(_str_id(v, what) for v in value)


@dataclass(frozen=True)
class Slot:
    """One time slot. Slots are ordered as given; `session` groups them (morning, day 2, ...)."""

    id: str
    session: str = "main"
    start: str | None = None
    end: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Slot:
        d = _check_keys(data, {"id", "session", "start", "end"}, "slot")
        return cls(
            id=_str_id(d.get("id"), "slot"),
            session=_str_id(d.get("session", "main"), f"slot {d.get('id')} session"),
            start=d.get("start"),
            end=d.get("end"),
        )

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "session": self.session}
        if self.start is not None:
            out["start"] = self.start
        if self.end is not None:
            out["end"] = self.end
        return out


@dataclass(frozen=True)
class Table:
    """A table or room. `host` fixes it to one participant who stays put."""

    id: str
    host: str | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Table:
        d = _check_keys(data, {"id", "host"}, "table")
        host = d.get("host")
        return cls(
            id=_str_id(d.get("id"), "table"),
            host=None if host is None else _str_id(host, f"table {d.get('id')} host"),
        )

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id}
        if self.host is not None:
            out["host"] = self.host
        return out


@dataclass(frozen=True)
class Participant:
    """A person or organisation taking meetings."""

    id: str
    name: str = ""
    unavailable: tuple[str, ...] = ()
    max_meetings: int | None = None
    min_meetings: int = 0  # a target, not a hard rule: the objective raises the lowest shortfall
    groups: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Any) -> Participant:
        d = _check_keys(
            data,
            {"id", "name", "unavailable", "max_meetings", "min_meetings", "groups"},
            "participant",
        )
        pid = _str_id(d.get("id"), "participant")
        mx = d.get("max_meetings")
        return cls(
            id=pid,
            name=str(d.get("name") or ""),
            unavailable=_str_list(d.get("unavailable"), f"participant {pid} unavailable"),
            max_meetings=None if mx is None else _int(mx, f"participant {pid} max_meetings"),
            min_meetings=_int(d.get("min_meetings", 0), f"participant {pid} min_meetings"),
            groups=_str_list(d.get("groups"), f"participant {pid} groups"),
        )

    @property
    def label(self) -> str:
        return self.name or self.id

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id}
        if self.name:
            out["name"] = self.name
        if self.unavailable:
            out["unavailable"] = list(self.unavailable)
        if self.max_meetings is not None:
            out["max_meetings"] = self.max_meetings
        if self.min_meetings:
            out["min_meetings"] = self.min_meetings
        if self.groups:
            out["groups"] = list(self.groups)
        return out


@dataclass(frozen=True)
class Meeting:
    """A candidate meeting between participants `a` and `b`.

    `slots` restricts it to given slots and `session` to one session; `fixed_slot` pins it;
    `after` lists meetings that must be held in an earlier slot; `locked` keeps an already
    published `slot`/`table` unless that is impossible; `online` meetings need no table.
    """

    id: str
    a: str
    b: str
    weight: int = 1
    required: bool = False
    slots: tuple[str, ...] | None = None
    session: str | None = None
    fixed_slot: str | None = None
    after: tuple[str, ...] = ()
    locked: bool = False
    slot: str | None = None
    table: str | None = None
    online: bool = False

    @classmethod
    def from_dict(cls, data: Any) -> Meeting:
        keys = {"id", "a", "b", "weight", "required", "slots", "session", "fixed_slot"}
        keys |= {"after", "locked", "slot", "table", "online"}
        d = _check_keys(data, keys, "meeting")
        mid = _str_id(d.get("id"), "meeting")
        slots = d.get("slots")
        for flag in ("required", "locked", "online"):
            if not isinstance(d.get(flag, False), bool):
                raise SolverError(f"meeting {mid} {flag} must be true or false")

        def opt(key: str) -> str | None:
            v = d.get(key)
            return None if v is None else _str_id(v, f"meeting {mid} {key}")

        return cls(
            id=mid,
            a=_str_id(d.get("a"), f"meeting {mid} a"),
            b=_str_id(d.get("b"), f"meeting {mid} b"),
            weight=_int(d.get("weight", 1), f"meeting {mid} weight", minimum=1),
            required=d.get("required", False),
            slots=None if slots is None else _str_list(slots, f"meeting {mid} slots"),
            session=opt("session"),
            fixed_slot=opt("fixed_slot"),
            after=_str_list(d.get("after"), f"meeting {mid} after"),
            locked=d.get("locked", False),
            slot=opt("slot"),
            table=opt("table"),
            online=d.get("online", False),
        )

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "a": self.a, "b": self.b}
        if self.weight != 1:
            out["weight"] = self.weight
        if self.required:
            out["required"] = True
        if self.slots is not None:
            out["slots"] = list(self.slots)
        for key in ("session", "fixed_slot", "slot", "table"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.after:
            out["after"] = list(self.after)
        if self.locked:
            out["locked"] = True
        if self.online:
            out["online"] = True
        return out


@dataclass(frozen=True)
class Rule:
    """A rule over many meetings.

    - `min_with_group`: every participant in `group` (all if None) holds at least `n`
      meetings with participants of `partner_group`;
    - `max_in_row`: participants in `group` (all if None) hold at most `n` meetings in
      consecutive slots of one session;
    - `fairness`: max breaks − min breaks ≤ `n` over participants in `group` (all if None).
    """

    kind: str
    n: int
    group: str | None = None
    partner_group: str | None = None
    name: str = ""

    @classmethod
    def from_dict(cls, data: Any) -> Rule:
        d = _check_keys(data, {"kind", "n", "group", "partner_group", "name"}, "rule")
        kind = d.get("kind")
        if kind not in RULE_KINDS:
            raise SolverError(f"rule kind must be one of {', '.join(RULE_KINDS)}, got {kind!r}")
        minimum = 1 if kind == "max_in_row" else 0
        rule = cls(
            kind=kind,
            n=_int(d.get("n"), f"rule {kind} n", minimum=minimum),
            group=d.get("group"),
            partner_group=d.get("partner_group"),
            name=str(d.get("name") or ""),
        )
        if kind == "min_with_group" and not rule.partner_group:
            raise SolverError("rule min_with_group needs a partner_group")
        return rule

    @property
    def label(self) -> str:
        """A readable name used in reasons and explanations."""
        if self.name:
            return self.name
        who = f" for group {self.group}" if self.group else ""
        if self.kind == "min_with_group":
            return f"at least {self.n} with {self.partner_group}{who}"
        if self.kind == "max_in_row":
            return f"at most {self.n} in a row{who}"
        return f"fairness: max breaks - min breaks <= {self.n}{who}"

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"kind": self.kind, "n": self.n}
        for key in ("group", "partner_group"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.name:
            out["name"] = self.name
        return out


@dataclass
class Problem:
    """A whole scheduling problem. Construction checks every cross-reference."""

    slots: list[Slot]
    tables: list[Table]
    participants: list[Participant]
    meetings: list[Meeting]
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index()
        self._check()

    def _index(self) -> None:
        self.slot_index = {s.id: i for i, s in enumerate(self.slots)}
        self.table_index = {t.id: i for i, t in enumerate(self.tables)}
        self.participant_index = {p.id: i for i, p in enumerate(self.participants)}
        self.meeting_index = {m.id: i for i, m in enumerate(self.meetings)}
        for what, items, index in (
            ("slot", self.slots, self.slot_index),
            ("table", self.tables, self.table_index),
            ("participant", self.participants, self.participant_index),
            ("meeting", self.meetings, self.meeting_index),
        ):
            if len(index) != len(items):
                seen: set[str] = set()
                for item in items:
                    if item.id in seen:
                        raise SolverError(f"{what} {item.id}: duplicate id")
                    seen.add(item.id)
        self.sessions = list(dict.fromkeys(s.session for s in self.slots))
        self.host_table = {t.host: t.id for t in self.tables if t.host is not None}
        # Asked for once per candidate meeting by the explainer: computed once here.
        self._shared_tables = sum(1 for t in self.tables if t.host is None)
        self._members: dict[Rule, list[str]] = {}

    def _check(self) -> None:
        if not self.slots:
            raise SolverError("problem has no slots")
        hosts = [t.host for t in self.tables if t.host is not None]
        if len(set(hosts)) != len(hosts):
            raise SolverError("a participant is host of two tables")
        for t in self.tables:
            if t.host is not None and t.host not in self.participant_index:
                raise SolverError(f"table {t.id}: unknown host participant {t.host}")
        groups = {g for p in self.participants for g in p.groups}
        for p in self.participants:
            for s in p.unavailable:
                if s not in self.slot_index:
                    raise SolverError(f"participant {p.id}: unknown unavailable slot {s}")
        for m in self.meetings:
            for who in (m.a, m.b):
                if who not in self.participant_index:
                    raise SolverError(f"meeting {m.id}: unknown participant {who}")
            if m.a == m.b:
                raise SolverError(f"meeting {m.id}: a participant cannot meet themselves ({m.a})")
            for s in (*(m.slots or ()), *filter(None, (m.fixed_slot, m.slot))):
                if s not in self.slot_index:
                    raise SolverError(f"meeting {m.id}: unknown slot {s}")
            if m.session is not None and m.session not in self.sessions:
                raise SolverError(f"meeting {m.id}: unknown session {m.session}")
            if m.table is not None and m.table not in self.table_index:
                raise SolverError(f"meeting {m.id}: unknown table {m.table}")
            for other in m.after:
                if other not in self.meeting_index:
                    raise SolverError(f"meeting {m.id}: unknown meeting {other} in after")
                if other == m.id:
                    raise SolverError(f"meeting {m.id}: cannot come after itself")
            if m.locked and m.slot is None:
                raise SolverError(f"meeting {m.id}: locked but has no slot")
            if m.fixed_slot is not None:
                # A contradiction the organiser must fix by hand: say which item it is.
                for who in (m.a, m.b):
                    p = self.participants[self.participant_index[who]]
                    if m.fixed_slot in p.unavailable:
                        raise SolverError(
                            f"meeting {m.id}: fixed slot {m.fixed_slot} is a slot where "
                            f"participant {who} is unavailable"
                        )
                if m.slots is not None and m.fixed_slot not in m.slots:
                    raise SolverError(
                        f"meeting {m.id}: fixed slot {m.fixed_slot} is not in its allowed slots"
                    )
                if (
                    m.session is not None
                    and self.slots[self.slot_index[m.fixed_slot]].session != m.session
                ):
                    raise SolverError(
                        f"meeting {m.id}: fixed slot {m.fixed_slot} is not in session {m.session}"
                    )
        for r in self.rules:
            for g in (r.group, r.partner_group):
                if g is not None and g not in groups:
                    raise SolverError(f"rule {r.label!r}: no participant is in group {g}")

    # --- derived views used by the model, the validator and the explainer ---

    def allowed_slots(self, m: Meeting) -> list[int]:
        """Slot indices where meeting `m` may be held (ignoring other meetings)."""
        if m.fixed_slot is not None:
            cand = [self.slot_index[m.fixed_slot]]
        elif m.slots is not None:
            cand = sorted({self.slot_index[s] for s in m.slots})
        else:
            cand = list(range(len(self.slots)))
        if m.session is not None:
            cand = [t for t in cand if self.slots[t].session == m.session]
        blocked = self.unavailable_of(m.a) | self.unavailable_of(m.b)
        return [t for t in cand if t not in blocked]

    def unavailable_of(self, pid: str) -> set[int]:
        p = self.participants[self.participant_index[pid]]
        return {self.slot_index[s] for s in p.unavailable}

    def participant(self, pid: str) -> Participant:
        return self.participants[self.participant_index[pid]]

    def needs_table(self, m: Meeting) -> bool:
        """Online meetings and meetings at a host's own table use no shared table."""
        return not m.online and m.a not in self.host_table and m.b not in self.host_table

    @property
    def shared_tables(self) -> int:
        return self._shared_tables

    def rule_members(self, rule: Rule) -> list[str]:
        if rule not in self._members:
            self._members[rule] = [
                p.id for p in self.participants if rule.group is None or rule.group in p.groups
            ]
        return self._members[rule]

    @classmethod
    def from_dict(cls, data: Any) -> Problem:
        """Build a problem from its JSON form; raises SolverError naming the bad item."""
        d = _check_keys(
            data, {"slots", "tables", "table_count", "participants", "meetings", "rules"}, "problem"
        )
        for key in ("slots", "participants", "meetings"):
            if not isinstance(d.get(key), list):
                raise SolverError(f"problem: {key!r} must be a list")
        if "tables" in d and "table_count" in d:
            raise SolverError("problem: give either 'tables' or 'table_count', not both")
        if "table_count" in d:
            count = _int(d["table_count"], "problem table_count")
            tables = [Table(id=str(i + 1)) for i in range(count)]
        else:
            raw = d.get("tables", [])
            if not isinstance(raw, list):
                raise SolverError("problem: 'tables' must be a list")
            tables = [Table.from_dict(t) for t in raw]
        rules = d.get("rules", [])
        if not isinstance(rules, list):
            raise SolverError("problem: 'rules' must be a list")
        return cls(
            slots=[Slot.from_dict(s) for s in d["slots"]],
            tables=tables,
            participants=[Participant.from_dict(p) for p in d["participants"]],
            meetings=[Meeting.from_dict(m) for m in d["meetings"]],
            rules=[Rule.from_dict(r) for r in rules],
        )

    def to_dict(self) -> dict:
        return {
            "slots": [s.to_dict() for s in self.slots],
            "tables": [t.to_dict() for t in self.tables],
            "participants": [p.to_dict() for p in self.participants],
            "meetings": [m.to_dict() for m in self.meetings],
            "rules": [r.to_dict() for r in self.rules],
        }
