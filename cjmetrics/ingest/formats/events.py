"""Eventbrite attendee reports (US and UK headers; any custom question columns are ignored).

Attendance is the number of checked-in attendees per event; registrations are every attendee
row not cancelled or refunded. Names, e-mail addresses and postal addresses are never read."""

from __future__ import annotations

from collections import defaultdict

from .base import (
    ExportFormat,
    ExportIncomplete,
    Question,
    Recognised,
    Source,
    area_question,
    find_column,
    guess_order,
    header_row,
    month_label,
    parse_date,
    plural,
    rows_frame,
)

ORDER = ("Order #", "Order no.", "Order no", "Order number", "Order ID")
ATTENDEE = ("Attendee #", "Attendee no.", "Attendee no", "Attendee number", "Attendee ID",
            "Ticket #", "Barcode #")
STATUS = ("Attendee Status", "Attendee status", "Status")
CHECKED = ("Checked In", "Check-In Status", "Check-in status", "Checked in", "Check In Date",
           "Check-in date", "Checked In Date")
EVENT = ("Event Name", "Event name", "Event", "Event Title")
EVENT_DATE = ("Event Date", "Event date", "Event Start Date", "Event start date",
              "Date Attending", "Event Start", "Start Date")
ORDER_DATE = ("Order Date", "Order date", "Date")
TICKET = ("Ticket Type", "Ticket type")
_CANCELLED = ("not attending", "cancel", "refund", "deleted", "transferred")
_CHECKED_IN = ("checked in", "checked-in", "attended")


def detect(source: Source, sheet: str | None) -> Recognised | None:
    for name, grid in source.sheets.items():
        if sheet is not None and name != sheet:
            continue
        i = header_row(grid, [ORDER, ATTENDEE], scan=5)
        if i is None:
            continue
        header = grid[i]
        if find_column(header, *TICKET) is None and find_column(header, *STATUS) is None:
            continue
        return _recognised(source, name, header, grid[i + 1:], first_row=i + 2)
    return None


def _recognised(source: Source, sheet: str, header, body, first_row: int) -> Recognised:
    col = {k: find_column(header, *names) for k, names in {
        "status": STATUS, "checked": CHECKED, "event": EVENT, "event_date": EVENT_DATE,
        "order_date": ORDER_DATE, "attendee": ATTENDEE}.items()}
    if col["status"] is None and col["checked"] is None:
        raise ExportIncomplete(f"'{source.name}' looks like an Eventbrite attendee report, but it "
                           "has no 'Attendee Status' or check-in column, so attendance cannot "
                           "be counted. Export the attendee report again with all columns.")
    width = len(header)
    # Each record with the Excel row number it has, the last cell.
    rows = [r + [""] * (width - len(r)) + [k] for k, r in enumerate(body, start=first_row)
            if any(r)]
    rows = [r for r in rows if r[col["attendee"]]]  # a totals line has no attendee number
    if not rows:
        raise ExportIncomplete(f"'{source.name}' is an Eventbrite attendee report with no "
                           "attendees in it. Check that you exported the right event.")
    date_col = col["event_date"] if col["event_date"] is not None else col["order_date"]
    order = guess_order([r[date_col] for r in rows] if date_col is not None else [])
    events: dict = defaultdict(lambda: {"registered": 0, "checked": 0, "dates": [],
                                        "row": None})
    any_check_info = False
    for r in rows:
        status = r[col["status"]].lower() if col["status"] is not None else ""
        if any(word in status for word in _CANCELLED):
            continue
        event = r[col["event"]] if col["event"] is not None else ""
        e = events[event]
        e["registered"] += 1
        e["row"] = e["row"] or r[-1]
        checked = any(word in status for word in _CHECKED_IN)
        if col["checked"] is not None:
            cell = r[col["checked"]].strip().lower()
            checked = checked or (cell not in ("", "no", "false", "0", "not checked in"))
            any_check_info = True
        any_check_info = any_check_info or checked
        e["checked"] += checked
        if date_col is not None:
            day = parse_date(r[date_col], order)
            if day:
                e["dates"].append(day)
    names = [n for n in events if n]
    registered = sum(e["registered"] for e in events.values())
    checked_in = sum(e["checked"] for e in events.values())
    what = (f"{plural(checked_in, 'attendee')} checked in of {registered:,} registered"
            if any_check_info else
            f"{plural(registered, 'registration')} and no check-ins, so registrations will "
            f"be counted as attendance (each figure's note says so)")
    description = ("Eventbrite attendee report: "
                   + (f"{plural(len(names), 'event')}, " if names else "") + what)
    questions = [area_question()]
    if not names:
        questions.append(Question("event", "Which event is this report for? (its name, as it "
                                            "should appear in the event breakdown)",
                                  default=None))
    if col["event_date"] is None:
        latest = max((d for e in events.values() for d in e["dates"]), default=None)
        questions.append(Question(
            "period", "In which month did the event take place? (e.g. Mar 2024; the report "
                      "holds order dates, not the event date)",
            default=month_label(latest) if latest else None))

    def build(answers: dict):
        out = []
        for event, e in events.items():
            label = event or str(answers.get("event", "")).strip()
            if col["event_date"] is not None and e["dates"]:
                period = month_label(max(e["dates"]))
            else:
                period = str(answers.get("period", "")).strip()
            if any_check_info:
                value, note = e["checked"], f"{e['checked']:,} checked in of " \
                                            f"{e['registered']:,} registered"
            else:
                value = e["registered"]
                note = (f"{e['registered']:,} registered; nobody was checked in on Eventbrite, "
                        "so this counts registrations, not attendance")
            out.append({"indicator": "eng_event_attendance", "area": answers["area"],
                        "period": period, "value": value, "breakdown": f"event:{label}",
                        "note": note, "source": "Eventbrite attendee report",
                        "source_row": e["row"]})
        return rows_frame(out)

    return Recognised(EVENTBRITE, description, questions, build, sheet=sheet or None,
                      sheets=[s for s in source.sheets if s])


EVENTBRITE = ExportFormat("eventbrite", "Eventbrite attendee report", "Events", detect)
FORMATS = [EVENTBRITE]
