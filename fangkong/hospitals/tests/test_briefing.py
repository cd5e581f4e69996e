from django.utils import timezone

from fangkong.hospitals.briefing import briefing_section
from fangkong.hospitals.models import ClinicalClassification, WardKind
from fangkong.hospitals.services.admissions import admission_create
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
