"""The area's figures and its part of the daily briefing: the share verified within the limit
is the same as a direct count over the rows."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from fangkong.assist.briefing import briefing_section
from fangkong.assist.models import (
    AreaLevel,
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
    TaskStatus,
    VerificationTask,
)
from fangkong.assist.services.arrivals import arrival_report_submit
from fangkong.assist.services.risk_areas import risk_area_create
from fangkong.operations.briefing import briefing_sections
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id

DAY = dt.date(2021, 8, 2)


def at(hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    moment = dt.datetime.combine(DAY + dt.timedelta(days=days), dt.time(hour, minute))
    return timezone.make_aware(moment)


def _person(n: int):
    return person_register(name=f"协查{n}", id_number=resident_id(sequence=n), by=None).person


def _task(person, community, *, due, verified=None):
    done = verified is not None
    return VerificationTask.objects.create(
        person=person,
        jurisdiction=community,
        due_at=due,
        created_at=at(8),
        status=TaskStatus.DONE if done else TaskStatus.OPEN,
        verified_at=verified,
        outcome=Outcome.HOME_QUARANTINE if done else "",
    )


def _request(sender: str, number: str) -> AssistRequest:
    return AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number=number,
        counterpart=sender,
        received_at=at(8),
        status=RequestStatus.OPEN,
    )


@pytest.fixture
def lists(jiankang, hubin):
    """Two senders' lists received on DAY, their rows in every state a row can be in."""
    nanjing = _request("南京市疫情防控指挥部", "NJ-1")
    province = _request("省疫情防控指挥部", "JS-7")
    cases = [
        # (request, community, due, answered, verified)
        (nanjing, jiankang, at(10), at(9), None),  # answered in time
        (nanjing, jiankang, at(12), None, at(11)),  # verified in time, answer not yet sent
        (nanjing, hubin, at(14), at(15), at(15)),  # late
        (nanjing, hubin, at(20), None, None),  # overdue at the day's end
        (nanjing, jiankang, at(8, days=1), None, None),  # due tomorrow: outstanding only
        (province, hubin, at(23), at(22), at(22)),  # in time
    ]
    for n, (request, community, due, answered, verified) in enumerate(cases, start=1):
        person = _person(100 + n)
        task = _task(person, community, due=due, verified=verified)
        AssistRow.objects.create(
            request=request,
            row_number=n,
            name=person.name,
            category=RequestCategory.CLOSE_CONTACT,
            person=person,
            match=RowMatch.ID_DOCUMENT,
            task=task,
            due_at=due,
            outcome=Outcome.HOME_QUARANTINE if answered else "",
            answered_at=answered,
        )
    # A row with no usable identity waits in the manual queue, due all the same.
    AssistRow.objects.create(
        request=province,
        row_number=99,
        name="无证件",
        category=RequestCategory.OTHER,
        match=RowMatch.NONE,
        due_at=at(18),
    )
    return [nanjing, province]


def _direct_share(day: dt.date) -> Decimal:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    due = [
        row
        for row in AssistRow.objects.select_related("task", "request")
        if row.request.direction == Direction.INCOMING
        and row.due_at is not None
        and start <= row.due_at < end
    ]

    def in_time(row: AssistRow) -> bool:
        assert row.due_at is not None
        if row.answered_at is not None and row.answered_at <= row.due_at:
            return True
        verified = row.task.verified_at if row.task is not None else None
        return verified is not None and verified <= row.due_at

    within = sum(1 for row in due if in_time(row))
    return (Decimal(100) * within / len(due)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _figure(section, key):
    return next(f.value for f in section.figures if f.key == key)


def test_the_briefings_share_verified_within_the_limit_equals_a_direct_count(lists):
    section = briefing_section(day=DAY)

    assert _figure(section, "assist.within_limit_share") == _direct_share(DAY)
    assert _figure(section, "assist.due") == 6
    assert _figure(section, "assist.within_limit") == 3
    assert _figure(section, "assist.within_limit_share") == Decimal("50.0")


def test_outstanding_and_overdue_are_read_as_they_stood_at_the_days_end(lists):
    section = briefing_section(day=DAY)

    assert _figure(section, "assist.requests_received") == 2
    assert _figure(section, "assist.persons_received") == 7
    assert _figure(section, "assist.outstanding") == 3
    assert _figure(section, "assist.overdue") == 2
    by_sender = {row[0]: row for row in section.tables[0].rows}
    assert by_sender["南京市疫情防控指挥部"][1:] == [5, 4, 2, Decimal("50.0"), 2, 1]
    assert by_sender["省疫情防控指挥部"][1:] == [2, 2, 1, Decimal("50.0"), 1, 1]
    by_district = {row[0]: row[1:] for row in section.tables[1].rows}
    assert by_district["梁溪区"][:3] == [3, 2, 2]
    assert "未分派（市级）" in by_district


def test_lists_sent_and_arrivals_are_counted_and_the_section_is_in_the_briefing(
    lists, jiankang, hq_admin
):
    AssistRequest.objects.create(
        direction=Direction.OUTGOING,
        number="WX-1",
        counterpart="苏州市",
        sent_at=at(16),
        status=RequestStatus.OPEN,
    )
    area = risk_area_create(
        city="南京市", name="江宁区禄口街道", level=AreaLevel.HIGH, since=DAY, by=hq_admin
    )
    for n, (chosen, text) in enumerate(((area, ""), (None, "上海市"))):
        arrival_report_submit(
            name=f"来人{n}",
            id_number=resident_id(sequence=200 + n),
            phone="13912340000",
            from_area=chosen,
            from_text=text,
            left_at=DAY,
            arrived_at=at(9),
            address="健康社区 1 号",
            jurisdiction=jiankang,
            at=at(10),
        )

    section = next(s for s in briefing_sections(day=DAY) if s.key == "assist")

    assert _figure(section, "assist.lists_sent") == 1
    assert _figure(section, "assist.lists_awaiting") == 1
    assert _figure(section, "assist.arrivals_reported") == 2
    assert _figure(section, "assist.arrivals_matched") == 1
    # Due 24 hours after 10:00: not yet overdue at the day's end.
    assert _figure(section, "assist.arrivals_overdue") == 0
