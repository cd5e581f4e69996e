import datetime as dt

from django.utils import timezone

from fangkong.hospitals.briefing import briefing_section
from fangkong.hospitals.models import BedStay, ClinicalClassification, WardKind
from fangkong.hospitals.services.admissions import admission_create, admission_move_bed
from fangkong.hospitals.services.clinical import classification_change


def test_the_briefing_counts_patients_beds_and_the_days_admissions(
    no5, no5_isolation, no5_icu, peoples, zhang_san, li_si
):
    admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ICU,
        classification=ClinicalClassification.CRITICAL,
        admitted_at=timezone.now(),
        by=None,
    )
    admission_create(
        person=li_si,
        hospital=peoples,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MILD,
        admitted_at=timezone.now(),
        by=None,
    )
    section = briefing_section(day=timezone.localdate())
    figures = {f.key: f.value for f in section.figures}
    assert section.key == "hospitals" and section.title == "医疗救治"
    assert figures["hospitals.patients"] == 2
    assert figures["hospitals.admissions"] == 2
    assert figures["hospitals.severe_patients"] == 1
    assert figures["hospitals.beds_total"] == 8 and figures["hospitals.beds_free"] == 6
    assert "危重型 1 人" in section.paragraphs[0]
    assert "其中重症监护床位空闲 2 张（共 3 张）" in section.paragraphs[1]
    assert [row[0] for row in section.tables[2].rows] == ["无锡市人民医院", "无锡市第五人民医院"]


def test_a_past_days_briefing_reads_the_classification_as_it_stood_then(
    no5, no5_isolation, zhang_san, days_ago
):
    admission = admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MILD,
        admitted_at=days_ago(4),
        by=None,
    )
    classification_change(
        admission=admission,
        classification=ClinicalClassification.SEVERE,
        changed_at=days_ago(1),
        by=None,
    )
    before = briefing_section(day=days_ago(2).date())
    assert {f.key: f.value for f in before.figures}["hospitals.severe_patients"] == 0
    assert before.tables[1].rows[1] == ["轻型", 1]
    assert {f.key: f.value for f in before.figures}["hospitals.admissions"] == 0
    on_admission_day = briefing_section(day=days_ago(4).date())
    assert {f.key: f.value for f in on_admission_day.figures}["hospitals.admissions"] == 1
    now = briefing_section(day=timezone.localdate())
    assert {f.key: f.value for f in now.figures}["hospitals.severe_patients"] == 1


def _taken_at_end_of(day, kind):
    """Beds of a kind taken at a day's end, read straight from the stays."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return sum(
        1
        for stay in BedStay.objects.select_related("bed__ward")
        if stay.bed.ward.kind == kind
        and stay.started_at < end
        and (stay.ended_at is None or stay.ended_at >= end)
    )


def test_the_briefings_bed_chart_counts_isolation_and_icu_beds_taken_at_each_days_end(
    settings, no5, no5_isolation, no5_icu, peoples, zhang_san, li_si, wang_wu, days_ago
):
    settings.FANGKONG_BRIEFING_TREND_DAYS = 4
    first = admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MODERATE,
        admitted_at=days_ago(5),  # before the window: in its starting stock
        by=None,
    )
    admission_create(
        person=li_si,
        hospital=peoples,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MILD,
        admitted_at=days_ago(3, 10),
        by=None,
    )
    admission_move_bed(admission=first, at=days_ago(2, 15), ward_kind=WardKind.ICU, by=None)
    admission_create(
        person=wang_wu,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MILD,
        admitted_at=days_ago(0, 0),  # after the briefing's day: not counted in it
        by=None,
    )
    day = days_ago(1).date()

    [chart] = briefing_section(day=day).charts

    days = [day - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    assert chart.labels == tuple(f"{d.month}/{d.day:02d}" for d in days)
    series = {s.name: s.values for s in chart.series}
    beds = {WardKind.ISOLATION: 5, WardKind.ICU: 3}  # no5: 3 + 1, peoples: 2 + 2
    for kind, label in ((WardKind.ISOLATION, "隔离病区"), (WardKind.ICU, "重症监护病区")):
        taken = tuple(_taken_at_end_of(d, kind) for d in days)
        assert series[f"{label}占用"] == taken
        assert series[f"{label}空闲"] == tuple(beds[kind] - n for n in taken)
    assert series["隔离病区占用"] == (1, 2, 1, 1) and series["重症监护病区占用"] == (0, 0, 1, 1)
