"""A person's results are one list on their page, whichever area took the swab."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.facilities.models import Hospital
from fangkong.hospitals.models import (
    Admission,
    AdmissionSource,
    ClinicalClassification,
    ClinicalTestKind,
)
from fangkong.hospitals.services.clinical import clinical_test_record
from fangkong.quarantine.models import ObservationCategory, Room, Shift, StaffRole
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sampling import sample_record
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.services.staff import staff_enter, staff_rotate_out, staff_test_record
from fangkong.specimens.models import Purpose, SampleResult, Specimen
from fangkong.specimens.selectors import specimen_list_for_person

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 7, 20, 9, 0, tzinfo=TZ)


def at(days: int, hour: int = 9) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hour - 9)


@pytest.fixture
def tested_everywhere(zhang_san, jiankang, city, hq_admin):
    """張三 screened as closed-loop staff of a site, placed there after rotating out, and
    admitted to hospital after testing positive."""
    site = site_create(name="锡惠大酒店", jurisdiction=jiankang, address="学前街 1 号", by=hq_admin)
    rooms_create(site=site, floors=[3], per_floor=2, by=hq_admin)
    stint = staff_enter(
        site=site,
        person=zhang_san,
        role=StaffRole.SECURITY,
        shift=Shift.DAY,
        entered_at=at(0),
        by=hq_admin,
    )
    staff_test_record(
        member=stint,
        sampled_at=at(1),
        lab="市疾控中心",
        result=SampleResult.NEGATIVE,
        result_at=at(1, 15),
        by=hq_admin,
    )
    staff_rotate_out(member=stint, left_at=at(2), by=hq_admin)
    placement = placement_start(
        person=zhang_san,
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at(3),
        last_exposure_at=at(2),
        by=hq_admin,
    )
    sample_record(
        test=placement.tests.order_by("due_on")[0],
        sampled_at=at(4),
        lab="华大基因实验室",
        result=SampleResult.POSITIVE,
        result_at=at(4, 16),
        by=hq_admin,
    )
    hospital = Hospital.objects.create(name="无锡市第五人民医院", jurisdiction=city)
    admission = Admission.objects.create(
        person=zhang_san,
        hospital=hospital,
        source=AdmissionSource.DIRECT,
        admitted_at=at(5),
        classification=ClinicalClassification.MILD,
    )
    clinical_test_record(
        admission=admission,
        kind=ClinicalTestKind.NUCLEIC_ACID,
        sampled_at=at(6),
        result=SampleResult.POSITIVE,
        ct_n=Decimal(28),
        ct_orf1ab=Decimal(29),
        laboratory="五院检验科",
        by=hq_admin,
    )
    clinical_test_record(
        admission=admission,
        kind=ClinicalTestKind.IMAGING,
        sampled_at=at(6, 15),
        imaging_finding="lesions",
        by=hq_admin,
    )
    return zhang_san


def test_a_persons_results_from_every_area_are_one_list_newest_first(tested_everywhere, hq_admin):
    results = list(specimen_list_for_person(viewer=hq_admin, person=tested_everywhere))
    assert [(s.purpose, s.place, s.lab, s.result) for s in results] == [
        (Purpose.CLINICAL, "无锡市第五人民医院", "五院检验科", SampleResult.POSITIVE),
        (Purpose.QUARANTINE_OBSERVATION, "锡惠大酒店", "华大基因实验室", SampleResult.POSITIVE),
        (Purpose.STAFF_SCREENING, "锡惠大酒店", "市疾控中心", SampleResult.NEGATIVE),
    ]
    assert [s.sampled_at for s in results] == [at(6), at(4), at(1)]
    assert results[0].ct_n == 28


def test_the_person_page_shows_the_three_results_in_date_order(tested_everywhere, hq_admin, client):
    client.force_login(hq_admin)
    page = client.get(reverse("people:detail", args=[tested_everywhere.pk])).content.decode()
    panel = page[page.index('data-testid="specimens-panel"') :]
    rows = panel.split('data-testid="specimen-row"')[1:]
    assert len(rows) == 3
    assert "临床检测" in rows[0] and "五院检验科" in rows[0]
    assert "隔离观察" in rows[1] and "华大基因实验室" in rows[1]
    assert "工作人员筛查" in rows[2] and "市疾控中心" in rows[2]


def test_a_viewer_who_may_not_see_the_person_gets_no_results(tested_everywhere, binhu_officer):
    assert Specimen.objects.filter(person=tested_everywhere).count() == 3
    assert not specimen_list_for_person(viewer=binhu_officer, person=tested_everywhere).exists()


def test_a_viewer_without_the_results_capability_gets_none(tested_everywhere, venue_manager):
    assert not specimen_list_for_person(viewer=venue_manager, person=tested_everywhere).exists()


def test_the_api_lists_a_persons_results_and_audits_the_read(tested_everywhere, hq_admin):
    api = APIClient()
    api.force_authenticate(hq_admin)
    response = api.get("/api/v1/specimens/", {"person": tested_everywhere.pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(r["purpose"] for r in rows) == sorted(
        [Purpose.CLINICAL, Purpose.QUARANTINE_OBSERVATION, Purpose.STAFF_SCREENING]
    )
    after = AuditEvent.objects.get(action="specimen.list").after
    assert after is not None
    assert sorted(after["ids"]) == sorted(r["id"] for r in rows)
