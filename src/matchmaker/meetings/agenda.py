"""The personal agenda, its calendar (ICS) and the organisers' prints.

A participant's agenda merges the event's programme with their published, scheduled
meetings, day by day in the participant's own time zone. The calendar holds the same entries
in UTC with stable UIDs, so a calendar that subscribes to the feed updates an entry when a
meeting moves (SEQUENCE grows) and removes it when the meeting is cancelled (STATUS:CANCELLED)
instead of duplicating it. The prints (table plan, table signs, host sheets) list the
published, scheduled meetings of the whole event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaker.events.models import Event, Participant, ProgrammeItem, Venue
from matchmaker.meetings.models import Meeting, Slot, Table

PRODID = "-//Matchmaker//Agenda//EN"
REFRESH = "PT1H"


# --- the participant's agenda ------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    """One line of the agenda: a programme item or a meeting, with local start and end."""

    kind: str  # "programme" or "meeting"
    starts_at: dt.datetime
    ends_at: dt.datetime
    item: ProgrammeItem | None = None
    meeting: Meeting | None = None
    partner: Participant | None = None
    table: str = ""
    video_url: str = ""

    @property
    def is_meeting(self) -> bool:
        return self.kind == "meeting"


@dataclass
class AgendaDay:
    date: dt.date
    entries: list[AgendaEntry] = field(default_factory=list)


def published_meetings(participant: Participant, *, include_cancelled: bool = False):
    """The participant's published meetings (scheduled, and cancelled ones if asked), in order."""
    statuses = [Meeting.Status.SCHEDULED]
    if include_cancelled:
        statuses.append(Meeting.Status.CANCELLED)
    return (
        Meeting.objects.filter(
            Q(a=participant) | Q(b=participant),
            event_id=participant.event_id,
            is_published=True,
            status__in=statuses,
        )
        .select_related(
            "event__meeting_settings",
            "slot__session",
            "table",
            "a__person__organisation",
            "b__person__organisation",
        )
        .order_by("slot__starts_at", "pk")
    )


def agenda_for(participant: Participant, tz) -> list[AgendaDay]:
    """The programme and the participant's published, scheduled meetings, by local day."""
    entries = [
        AgendaEntry(
            kind="programme",
            starts_at=item.starts_at.astimezone(tz),
            ends_at=item.ends_at.astimezone(tz),
            item=item,
        )
        for item in ProgrammeItem.objects.filter(event_id=participant.event_id).select_related(
            "venue"
        )
    ]
    for meeting in published_meetings(participant):
        entries.append(
            AgendaEntry(
                kind="meeting",
                starts_at=meeting.slot.starts_at.astimezone(tz),
                ends_at=meeting.slot.ends_at.astimezone(tz),
                meeting=meeting,
                partner=meeting.other(participant),
                table=str(meeting.table) if meeting.table_id else "",
                video_url=meeting.video_url(),
            )
        )
    # programme items before meetings at the same time (a B2B session opens, then its meetings)
    entries.sort(key=lambda e: (e.starts_at, e.kind != "programme", e.ends_at))
    days: dict[dt.date, AgendaDay] = {}
    for entry in entries:
        day = entry.starts_at.date()
        days.setdefault(day, AgendaDay(day)).entries.append(entry)
    return [days[d] for d in sorted(days)]


# --- where a meeting takes place -----------------------------------------------------------


class VenueFinder:
    """The venue of on-site meetings: the venue of a B2B programme item around the slot, else
    the event's only venue, else none."""

    def __init__(self, event: Event):
        self.b2b_items = [
            item
            for item in ProgrammeItem.objects.filter(
                event=event, kind=ProgrammeItem.Kind.B2B, venue__isnull=False
            ).select_related("venue")
        ]
        venues = list(Venue.objects.filter(event=event)[:2])
        self.only_venue = venues[0] if len(venues) == 1 else None

    def for_slot(self, slot: Slot) -> Venue | None:
        for item in self.b2b_items:
            if item.starts_at <= slot.starts_at and slot.ends_at <= item.ends_at:
                return item.venue
        return self.only_venue


def meeting_location(meeting: Meeting, venue: Venue | None) -> str:
    """The video link for an online meeting, else the table and the venue."""
    video = meeting.video_url()
    if meeting.online:
        return video or _("Online")
    parts = [str(meeting.table)] if meeting.table_id else []
    if venue is not None:
        parts.append(venue_text(venue))
    return ", ".join(parts)


def venue_text(venue: Venue) -> str:
    return ", ".join(p for p in (venue.name, venue.address, venue.city) if p)


# --- the calendar ---------------------------------------------------------------------------


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.uid}@matchmaker"


def programme_uid(item: ProgrammeItem) -> str:
    return f"programme-{item.pk}-event-{item.event_id}@matchmaker"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def partner_text(partner: Participant) -> str:
    person = partner.person
    return f"{person.name} ({person.organisation.name})"


def calendar_for(
    participant: Participant, *, include_cancelled: bool, now: dt.datetime | None = None
) -> bytes:
    """The participant's agenda as iCalendar: programme items and published meetings in UTC.

    `include_cancelled` adds the published meetings that were cancelled, with STATUS:CANCELLED,
    so subscribed calendars remove them (the feed); a download leaves them out."""
    import icalendar

    now = _utc(now or timezone.now())
    event = participant.event
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{event.name} · {participant.person.name}")
    calendar.add("x-published-ttl", REFRESH)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})

    for item in ProgrammeItem.objects.filter(event=event).select_related("venue"):
        vevent = icalendar.Event()
        vevent.add("uid", programme_uid(item))
        vevent.add("dtstamp", now)
        vevent.add("dtstart", _utc(item.starts_at))
        vevent.add("dtend", _utc(item.ends_at))
        vevent.add("summary", item.title)
        vevent.add("sequence", 0)
        vevent.add("status", "CONFIRMED")
        if item.venue_id:
            vevent.add("location", venue_text(item.venue))
        elif item.online_url:
            vevent.add("location", item.online_url)
        if item.online_url:
            vevent.add("url", item.online_url)
        description = [item.get_kind_display()]
        if item.speakers:
            description.append(item.speakers)
        if item.description:
            description.append(item.description)
        vevent.add("description", "\n".join(description))
        vevent.add("categories", [item.get_kind_display()])
        calendar.add_component(vevent)

    venues = VenueFinder(event)
    for meeting in published_meetings(participant, include_cancelled=include_cancelled):
        calendar.add_component(meeting_vevent(meeting, participant, venues, now))
    return calendar.to_ical()


def meeting_vevent(meeting: Meeting, participant: Participant, venues: VenueFinder, now):
    """One meeting as the participant's calendar entry. The UID never changes, so a
    calendar updates the entry when the meeting moves (SEQUENCE grows) and removes it when
    it is cancelled (STATUS:CANCELLED)."""
    import icalendar

    partner = meeting.other(participant)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    vevent = icalendar.Event()
    vevent.add("uid", meeting_uid(meeting))
    vevent.add("dtstamp", now)
    vevent.add("last-modified", _utc(meeting.updated_at))
    vevent.add("dtstart", _utc(meeting.slot.starts_at))
    vevent.add("dtend", _utc(meeting.slot.ends_at))
    vevent.add("sequence", meeting.sequence)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("summary", _("B2B meeting: %(partner)s") % {"partner": partner_text(partner)})
    location = meeting_location(meeting, venues.for_slot(meeting.slot))
    if location:
        vevent.add("location", location)
    video = meeting.video_url()
    if video:
        vevent.add("url", video)
    description = [
        _("Partner: %(name)s") % {"name": partner.person.name},
        _("Organisation: %(name)s") % {"name": partner.person.organisation.name},
    ]
    if partner.person.job_title:
        description.append(_("Position: %(title)s") % {"title": partner.person.job_title})
    if meeting.table_id and not meeting.online:
        description.append(_("Place: %(table)s") % {"table": meeting.table})
    if video:
        description.append(_("Video link: %(url)s") % {"url": video})
    vevent.add("description", "\n".join(description))
    vevent.add("categories", ["B2B"])
    return vevent


def meetings_calendar(
    meetings: list[Meeting], participant: Participant, now: dt.datetime | None = None
) -> bytes:
    """The given meetings as an iCalendar file for an email to `participant`.

    METHOD:PUBLISH, as the feed: the entries are the participant's own, not invitations to
    answer. A cancelled meeting is sent the same way with STATUS:CANCELLED and a higher
    SEQUENCE; calendar applications (Google, Outlook, Apple) then mark or remove the entry of
    that UID, where METHOD:CANCEL would need an organiser and attendees they could check."""
    import icalendar

    now = _utc(now or timezone.now())
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    venues = VenueFinder(participant.event)
    for meeting in meetings:
        calendar.add_component(meeting_vevent(meeting, participant, venues, now))
    return calendar.to_ical()


# --- organisers' prints ---------------------------------------------------------------------


def event_meetings(event: Event):
    """Published, scheduled meetings of the event, by slot and table."""
    return (
        Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED, is_published=True)
        .select_related(
            "event__meeting_settings",
            "slot__session",
            "table__host__person__organisation",
            "a__person__organisation",
            "b__person__organisation",
        )
        .order_by("slot__starts_at", "table__number", "pk")
    )


@dataclass
class SlotPlan:
    """A slot of the table plan: its local times and its meetings by table (online last)."""

    slot: Slot
    starts_at: dt.datetime
    ends_at: dt.datetime
    meetings: list[Meeting] = field(default_factory=list)


def _table_key(meeting: Meeting) -> tuple:
    return (meeting.table is None, meeting.table.number if meeting.table else 0, meeting.pk)


def table_plan(event: Event, tz) -> list[SlotPlan]:
    """Every slot that has meetings, with the meetings at each table (and online ones)."""
    plans: dict[int, SlotPlan] = {}
    for meeting in event_meetings(event):
        slot = meeting.slot
        plan = plans.get(slot.pk)
        if plan is None:
            plan = plans[slot.pk] = SlotPlan(
                slot, slot.starts_at.astimezone(tz), slot.ends_at.astimezone(tz)
            )
        plan.meetings.append(meeting)
    for plan in plans.values():
        plan.meetings.sort(key=_table_key)
    return sorted(plans.values(), key=lambda p: (p.slot.starts_at, p.slot.pk))


@dataclass
class TableSign:
    table: Table
    host: Participant | None
    rows: list[tuple[dt.datetime, dt.datetime, Meeting]] = field(default_factory=list)


def table_signs(event: Event, tz) -> list[TableSign]:
    """One sign per table of the event: its host if fixed and its meetings by slot."""
    signs = {
        table.pk: TableSign(table, table.host)
        for table in Table.objects.filter(event=event)
        .select_related("host__person__organisation")
        .order_by("number")
    }
    for meeting in event_meetings(event).filter(table__isnull=False):
        signs[meeting.table_id].rows.append(
            (meeting.slot.starts_at.astimezone(tz), meeting.slot.ends_at.astimezone(tz), meeting)
        )
    return list(signs.values())


@dataclass
class HostSheetRow:
    starts_at: dt.datetime
    ends_at: dt.datetime
    meeting: Meeting
    partner: Participant
    where: str


@dataclass
class HostSheet:
    participant: Participant
    tables: list[Table]
    rows: list[HostSheetRow] = field(default_factory=list)


def host_sheets(event: Event, tz) -> list[HostSheet]:
    """One sheet per participant with a fixed table; when no table has a host, one sheet per
    participant with meetings. Each lists the meetings by slot with partner and table."""
    hosted = list(
        Table.objects.filter(event=event, host__isnull=False)
        .select_related("host__person__organisation")
        .order_by("number")
    )
    meetings = list(event_meetings(event))
    sheets: dict[int, HostSheet] = {}
    if hosted:
        for table in hosted:
            sheet = sheets.get(table.host_id)
            if sheet is None:
                sheet = sheets[table.host_id] = HostSheet(table.host, [])
            sheet.tables.append(table)
    else:
        for meeting in meetings:
            for participant in (meeting.a, meeting.b):
                if participant.pk not in sheets:
                    sheets[participant.pk] = HostSheet(participant, [])
    for meeting in meetings:
        for participant in (meeting.a, meeting.b):
            sheet = sheets.get(participant.pk)
            if sheet is None:
                continue
            if meeting.online:
                where = meeting.video_url() or _("Online")
            else:
                where = str(meeting.table) if meeting.table_id else ""
            sheet.rows.append(
                HostSheetRow(
                    meeting.slot.starts_at.astimezone(tz),
                    meeting.slot.ends_at.astimezone(tz),
                    meeting,
                    meeting.other(participant),
                    where,
                )
            )
    return sorted(sheets.values(), key=lambda s: (s.participant.person.name, s.participant.pk))


def pdf_context(event: Event, tz, **extra: Any) -> dict[str, Any]:
    """The context every PDF template gets."""
    return {"event": event, "tz_name": str(tz), "printed_at": timezone.now().astimezone(tz)} | (
        extra
    )
