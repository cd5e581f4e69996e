"""Demo outbreak: a Delta cluster seeded at a bar of the demo city, told through the same
services investigators use, so that tracing the index case from its page shows a real chain.

    T-20  an imported case F; its household at home for 14 days, released T-6
    T-6   evening: case A at a bar with patrons B1-B6 (two more stay too briefly)
    T-5   lunch: B1 with C1-C3 at a restaurant;  T-4 evening: C1 with D1, D2 at a KTV
    T-3   A found at a fever clinic, reported, traced; its household named in the interview;
          contacts confirmed, notified, placed at quarantine sites where there are free
          rooms (at home otherwise), one dismissed, one still to be checked
    T-2   B1 positive in quarantine: a case, its secondaries upgraded, traced in turn
    T-1   a suspected case E at a fever clinic; C1 positive in quarantine, traced in turn:
          its list mostly still to be checked, two confirmed in the night and not yet held
          (the overdue list)
    today B2 positive in home isolation (reported late); E excluded

T is the demo's today; the story stays in the past even when the demo runs early in the day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from fangkong.cases import demo_history
from fangkong.cases.demo_people import story_people
from fangkong.cases.demo_story import HOME, Story, controlled_at, transfer, venues_for
from fangkong.cases.models import Case, Contact, ContactCategory, ContactDegree, ContactStatus
from fangkong.cases.services.cases import case_reclassify, case_report
from fangkong.cases.services.contacts import (
    contact_add,
    contact_confirm,
    contact_control_record,
    contact_dismiss,
    contact_notify,
    contact_release,
)
from fangkong.cases.services.tracing import trace_run_start
from fangkong.demo.context import DemoContext
from fangkong.facilities.models import Hospital
from fangkong.quarantine.models import NucleicAcidTest, ObservationCategory, Outcome

ORDER = 40


def earlier_site_positives(
    story: Story, *, hospital: Hospital | None, until: dt.datetime | None = None
) -> None:
    """The quarantine demo's year holds people who tested positive in a site before the
    story; each was a case in its day (registered, reported, investigated), so the case list
    does not show them as positives still waiting for one."""
    positives = (
        NucleicAcidTest.objects.filter(outcome=Outcome.POSITIVE, concluded_at__isnull=False)
        .select_related("placement__person", "placement__room__site")
        .order_by("concluded_at", "pk")
    )
    if until is not None:
        positives = positives.filter(concluded_at__lt=until)
    seen: set[int] = set()
    for test in positives:
        placement = test.placement
        if placement.person_id in seen or Case.objects.filter(person=placement.person).exists():
            continue
        seen.add(placement.person_id)
        assert test.concluded_at is not None
        sampled = test.samples.order_by("specimen__sampled_at").first()
        sampled_on = timezone.localdate(sampled.sampled_at if sampled else test.concluded_at)
        inbound = placement.category == ObservationCategory.INBOUND_TRAVELLER
        case = story.register(
            placement.person,
            classification="confirmed",
            detected_at=test.concluded_at,
            onset_date=sampled_on,
            sampling_date=sampled_on,
            reported_at=test.concluded_at + dt.timedelta(hours=1),
            isolated_at=placement.starts_at,
            reporting_hospital=hospital,
            detection_note=f"集中隔离点核酸筛查阳性（{placement.room.site.name} "
            f"{placement.room.number}）",
        )
        story.investigate(
            case,
            complete_at=test.concluded_at + dt.timedelta(hours=20),
            source="境外输入" if inbound else "集中隔离期间检出，与前序病例关联",
        )
        # In hospital, then in post-discharge isolation: not out in the demo's weeks.
        story.quiet(placement.person_id, test.concluded_at)


@transaction.atomic
def build(ctx: DemoContext) -> None:
    # A stream of its own, seeded from the shared one without drawing from it, so the areas
    # built after this one see the same shared stream with or without the outbreak.
    rng = random.Random("cases:" + ",".join(str(n) for n in ctx.rng.getstate()[1][:8]))
    venues = venues_for(ctx, rng)
    if venues is None:
        ctx.write("  没有场所演示数据，跳过流调演示。")
        return
    people = story_people(ctx, rng, district=venues["bar"].jurisdiction)
    story = Story(ctx, people, venues)
    story.quiet_held()
    # The story's people did what the story says those days, not what the venues demo drew.
    for pk in people.story_ids | people.brief_ids:
        story.quiet(pk, story.day(-8, 0))
    story.scans()
    story.quiet(people.f.pk, story.day(-20, 9))
    for member in people.household:
        story.quiet(member.pk, story.day(-20, 18), story.day(-6, 18))
    story.quiet(people.a.pk, story.day(-3, 14))
    hospital = Hospital.objects.order_by("pk").first()
    # Numbered in the order they were found: the site positives before the imported case F
    # first, the rest after it.
    earlier_site_positives(story, hospital=hospital, until=story.day(-20, 9))

    # T-20: an imported case, its household at home for 14 days and released.
    f = story.register(
        people.f,
        classification="confirmed",
        detected_at=story.day(-20, 9),
        onset_date=ctx.today - dt.timedelta(days=21),
        sampling_date=ctx.today - dt.timedelta(days=20),
        reported_at=story.day(-20, 10),
        isolated_at=story.day(-20, 9),
        reporting_hospital=hospital,
        detection_note="入境人员闭环转运后核酸阳性",
    )
    for member in people.household:
        contact = contact_add(
            case=f,
            person=member,
            degree=ContactDegree.CLOSE,
            category="household",
            evidence="与病例共同居住",
            last_exposure=story.day(-21, 8),
            at=story.day(-20, 12),
            by=story.investigator,
        )
        contact_notify(
            contact=contact, note="社区上门告知", at=story.day(-20, 13), by=story.officer
        )
        contact_control_record(contact=contact, note=HOME, at=story.day(-20, 18), by=story.officer)
        contact_release(
            contact=contact,
            at=story.day(-6, 18),
            by=story.officer,
            note="14 天居家隔离期满，核酸均阴性",
        )
    story.investigate(f, complete_at=story.day(-19, 8), source="境外输入")
    earlier_site_positives(story, hospital=hospital)

    # T-3: the index case, found at a fever clinic.
    a = story.register(
        people.a,
        classification="confirmed",
        detected_at=story.day(-3, 14),
        onset_date=ctx.today - dt.timedelta(days=4),
        sampling_date=ctx.today - dt.timedelta(days=3),
        reported_at=story.day(-3, 15, 10),
        isolated_at=story.day(-3, 14),
        reporting_hospital=hospital,
        detection_note="发热门诊就诊，核酸阳性",
    )
    story.investigate(a, complete_at=None, source="6 天前晚在酒吧与外地来锡人员接触")
    trace_run_start(case=a, by=story.investigator)
    for relation, member in zip(("配偶", "女儿"), people.family, strict=True):
        contact_add(
            case=a,
            person=member,
            degree=ContactDegree.CLOSE,
            category=ContactCategory.HOUSEHOLD,
            evidence=f"病例的{relation}，共同居住",
            last_exposure=story.day(-3, 8),
            at=story.day(-3, 15, 30),
            by=story.investigator,
        )
    staff = Contact.objects.filter(case=a, person=people.brief[1]).first()
    if staff is not None:
        contact_dismiss(
            contact=staff,
            reason="经核实为场所员工代扫码，本人未到场",
            at=story.day(-3, 16),
            by=story.investigator,
        )
    story.work_through(
        a,
        confirm_at=story.day(-3, 16, 30),
        notify_at=story.day(-3, 17, 30),
        control_at=story.day(-3, 21),
        rng=rng,
    )
    story.investigate(a, complete_at=story.day(-2, 10), source="酒吧聚集，外地来锡人员传入")

    # T-2: B1 positive in quarantine; its secondaries C1-C3 become close contacts.
    b1 = story.register(
        people.b[0],
        classification="asymptomatic",
        detected_at=story.day(-2, 10),
        sampling_date=ctx.today - dt.timedelta(days=2),
        reported_at=story.day(-2, 11),
        isolated_at=controlled_at(people.b[0]),
        detection_note="集中隔离点核酸筛查阳性",
    )
    transfer(b1.person, story.day(-2, 12))
    story.work_through(
        b1,
        confirm_at=story.day(-2, 14),
        notify_at=story.day(-2, 15),
        control_at=story.day(-2, 18),
        rng=rng,
        behind=1,
    )
    case_reclassify(
        case=b1,
        classification="confirmed",
        changed_at=story.day(-1, 9),
        note="出现咳嗽、咽痛",
        by=story.investigator,
    )
    story.investigate(b1, complete_at=story.day(-1, 10), source="酒吧与病例 A 同场")

    # T-1: a suspected case E at a fever clinic.
    e = story.register(
        people.e,
        classification="suspected",
        detected_at=story.ago(30),
        onset_date=timezone.localdate(story.ago(30)),
        detection_note="发热门诊，胸部 CT 异常",
    )
    case_report(case=e, reported_at=story.ago(29), by=story.investigator)

    # Last night: C1 positive in quarantine, traced in turn.
    c1 = story.register(
        people.c[0],
        classification="confirmed",
        detected_at=story.ago(20),
        onset_date=timezone.localdate(story.ago(20)),
        sampling_date=timezone.localdate(story.ago(20)),
        reported_at=story.ago(19),
        isolated_at=controlled_at(people.c[0]),
        detection_note="集中隔离点核酸筛查阳性",
    )
    story.investigate(c1, complete_at=None, source="与病例 B1 同桌就餐")
    infected = set(Case.objects.infected().values_list("person_id", flat=True))
    held = set(
        Contact.objects.filter(status=ContactStatus.UNDER_CONTROL).values_list(
            "person_id", flat=True
        )
    )
    fresh = [
        c
        for c in Contact.objects.filter(case=c1, status=ContactStatus.PROPOSED).order_by(
            "degree", "first_exposure", "person_id"
        )
        if c.person_id not in infected | held
    ]
    # Two confirmed in the night and still not held; three this morning, one told.
    for contact in fresh[:2]:
        contact_confirm(contact=contact, at=story.ago(14), by=story.investigator)
    for index, contact in enumerate(fresh[2:5]):
        confirmed = contact_confirm(contact=contact, at=story.ago(1.5), by=story.investigator)
        if index == 0:
            contact_notify(
                contact=confirmed,
                note="电话未接通，已请社区上门",
                at=story.ago(1),
                by=story.officer,
            )
    # This morning: B2 positive in home isolation, reported late.
    b2 = story.register(
        people.b[1],
        classification="asymptomatic",
        detected_at=story.ago(5),
        sampling_date=timezone.localdate(story.ago(5)),
        reported_at=story.ago(1.5),
        isolated_at=controlled_at(people.b[1]),
        detection_note="居家隔离期间核酸筛查阳性",
    )
    story.investigate(b2, complete_at=None, source="酒吧与病例 A 同场")
    case_reclassify(
        case=e,
        classification="excluded",
        changed_at=story.ago(6),
        note="两次核酸检测阴性，排除",
        by=story.investigator,
    )
    ctx.shared["cases"] = {
        "index_case": a.pk,
        "cases": [f.pk, a.pk, b1.pk, e.pk, c1.pk, b2.pk],
        "bar": venues["bar"].pk,
    }


# The month before the story: the city's Delta wave (demo_history.py), after the story so that
# the story is told as before and its people are not the wave's.
STEPS = [(ORDER, build), (demo_history.ORDER, demo_history.build)]
