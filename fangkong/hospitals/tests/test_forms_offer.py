"""The hospital's forms offer only what the services then accept: free beds, and the discharge
button only to whoever may discharge the patient now."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.hospitals.forms import DailyNoteForm, MonitoringCheckForm
from fangkong.hospitals.models import ClinicalClassification, WardKind
from fangkong.hospitals.services.admissions import admission_create
from fangkong.hospitals.vitals import checked_temperature


def _admit(person, hospital, kind=WardKind.ISOLATION):
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=kind,
        classification=ClinicalClassification.MILD,
        admitted_at=timezone.now() - dt.timedelta(hours=6),
        by=None,
    )


def _bed_options(html: str) -> list[str]:
    select = html.split('name="bed"', 1)[1].split("</select>", 1)[0]
    return [part.split("<", 1)[0].strip() for part in select.split("<option")[1:]]


def test_the_admission_form_offers_only_free_beds(
    client, hospital_staff, no5, no5_isolation, no5_icu, zhang_san
):
    _admit(zhang_san, no5)  # takes 隔离病区一 A01
    client.force_login(hospital_staff)
    options = _bed_options(client.get(f"/hospitals/{no5.pk}/admit/").content.decode())
    labels = [o.split(">", 1)[-1] for o in options]
    assert "隔离病区一 A01" not in labels
    assert {"隔离病区一 A02", "隔离病区一 A03", "重症监护病区 ICU01"} <= set(labels)


def test_the_bed_move_form_offers_only_free_beds(
    client, hospital_staff, no5, no5_isolation, no5_icu, zhang_san, li_si
):
    moving = _admit(zhang_san, no5)  # A01
    _admit(li_si, no5, WardKind.ICU)  # ICU01
    client.force_login(hospital_staff)
    html = client.get(f"/hospitals/admissions/{moving.pk}/").content.decode()
    labels = [o.split(">", 1)[-1] for o in _bed_options(html)]
    assert "重症监护病区 ICU01" not in labels and "隔离病区一 A01" not in labels
    assert "隔离病区一 A02" in labels


def test_confirm_discharge_is_offered_only_to_whoever_may_discharge_now(
    client, no5, no5_isolation, zhang_san, hospital_staff, doctor
):
    admission = _admit(zhang_san, no5)  # admitted today: the criteria do not hold yet
    client.force_login(hospital_staff)
    page = client.get(f"/hospitals/admissions/{admission.pk}/discharge/").content.decode()
    assert "未达到出院标准" in page
    assert "确认出院" not in page and 'data-testid="discharge-form"' not in page
    client.force_login(doctor)
    page = client.get(f"/hospitals/admissions/{admission.pk}/discharge/").content.decode()
    assert "确认出院" in page and "override_reason" in page


def test_temperature_inputs_take_steps_of_a_tenth_within_the_plausible_range():
    for form, name in (
        (DailyNoteForm(), "max_temperature"),
        (MonitoringCheckForm(), "temperature"),
    ):
        html = str(form[name])
        assert 'type="number"' in html and 'step="0.1"' in html
        assert 'min="34.0"' in html and 'max="43.0"' in html


def test_a_temperature_with_more_than_one_decimal_is_refused_not_rounded():
    with pytest.raises(ValidationError) as refused:
        checked_temperature(Decimal("36.25"), "temperature")
    assert "最多一位小数" in str(refused.value)
    assert checked_temperature(Decimal("36.20"), "temperature") == Decimal("36.2")
