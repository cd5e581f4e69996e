import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from fangkong.policy.services import measure_set
from fangkong.testing.cast import PASSWORD
from fangkong.venues.models import InspectionPhoto, InspectionPurpose, Verdict
from fangkong.venues.services.inspections import inspection_photo_add, inspection_record
from fangkong.venues.tests.test_enforcement import ALL_MET


def image_bytes(fmt: str = "JPEG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def inspection(bar, inspector):
    return inspection_record(
        venue=bar,
        inspected_at=timezone.now(),
        inspectors=[inspector],
        headcount=20,
        verdict=Verdict.PASSED,
        by=inspector,
        **ALL_MET,
    )


def test_capacity_is_judged_against_the_limit_in_force_at_the_inspection(
    bar, inspector, hq_admin, now
):
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="tightened", effective_at=now, by=hq_admin
    )
    found = inspection_record(
        venue=bar,
        inspected_at=now,
        inspectors=[inspector],
        headcount=60,
        verdict=Verdict.FAILED,
        by=inspector,
        **ALL_MET,
    )
    assert (found.limit_at_time, found.capacity_respected) == (50, False)
    assert found.failed_items() == ["落实限流"]


def test_passed_is_refused_while_a_checklist_item_is_not_met(bar, inspector, now):
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            venue=bar,
            inspected_at=now,
            inspectors=[inspector],
            headcount=90,
            verdict=Verdict.PASSED,
            by=inspector,
            **ALL_MET,
        )
    assert "落实限流" in refused.value.message_dict["verdict"][0]


def test_an_inspection_of_an_open_venue_is_routine(inspection):
    assert inspection.purpose == InspectionPurpose.ROUTINE


def test_a_photo_is_stored_outside_the_media_folder(inspection, inspector):
    upload = SimpleUploadedFile("张三家门口.jpg", image_bytes(), content_type="image/jpeg")
    photo = inspection_photo_add(inspection=inspection, upload=upload, by=inspector)
    path = photo.file.path
    assert str(settings.FANGKONG_VENUE_PHOTO_ROOT) in path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    name = str(photo.file.name)
    assert "张三" not in name and name.endswith(".jpg")
    assert photo.content_type == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(inspection, inspector):
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是可识别的图片"):
        inspection_photo_add(inspection=inspection, upload=upload, by=inspector)
    assert not InspectionPhoto.objects.exists()


def test_an_image_of_a_type_not_accepted_is_refused(inspection, inspector):
    upload = SimpleUploadedFile("photo.gif", image_bytes("GIF"), content_type="image/gif")
    with pytest.raises(ValidationError, match="GIF"):
        inspection_photo_add(inspection=inspection, upload=upload, by=inspector)


def test_a_photo_over_the_size_limit_is_refused(inspection, inspector, settings):
    settings.FANGKONG_VENUE_PHOTO_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.png", image_bytes("PNG", (200, 200)), content_type="image/png")
    with pytest.raises(ValidationError, match="超过"):
        inspection_photo_add(inspection=inspection, upload=upload, by=inspector)


def test_photos_are_served_only_to_users_who_see_the_inspection(
    inspection, inspector, liangxi_officer, binhu_officer, venue_manager
):
    upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    photo = inspection_photo_add(inspection=inspection, upload=upload, by=inspector)
    url = photo.get_absolute_url()
    for allowed in (inspector, liangxi_officer, venue_manager):
        answer = client_for(allowed).get(url)
        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/png"
        assert answer["Cache-Control"].startswith("private")
    assert client_for(binhu_officer).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    with pytest.raises(ValueError, match="no public URL"):
        _ = photo.file.url


def test_an_inspector_records_an_inspection_with_photos_from_the_form(bar, inspector):
    client = client_for(inspector)
    answer = client.post(
        f"/venues/{bar.pk}/inspect/",
        {
            "inspected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "inspectors": [inspector.pk],
            "code_posted": "on",
            "everyone_scans": "on",
            "temperature_checked": "on",
            "masks_worn": "on",
            "headcount": "12",
            "verdict": "failed",
            "notes": "通风不足",
            "photos": [
                SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg"),
                SimpleUploadedFile("b.png", image_bytes("PNG"), content_type="image/png"),
            ],
        },
    )
    assert answer.status_code == 302
    inspection = bar.inspections.get()
    assert (inspection.verdict, inspection.ventilated_disinfected) == ("failed", False)
    assert inspection.photos.count() == 2
    page = client.get(answer["Location"])
    assert "通风消毒" in page.content.decode() and "未落实" in page.content.decode()


def test_an_inspector_closes_a_venue_from_the_inspection_page(bar, inspector):
    client = client_for(inspector)
    inspection = inspection_record(
        venue=bar,
        inspected_at=timezone.now(),
        inspectors=[inspector],
        headcount=90,
        verdict=Verdict.FAILED,
        by=inspector,
        **ALL_MET,
    )
    answer = client.post(
        f"/venues/{bar.pk}/actions/",
        {"kind": "closure", "reason": "超过限流人数", "inspection": inspection.pk},
    )
    assert answer.status_code == 302
    bar.refresh_from_db()
    assert bar.status == "closed"
    action = inspection.actions.get()
    assert answer["Location"] == action.get_absolute_url()
    assert client.get(action.get_absolute_url()).status_code == 200


def test_a_photo_whose_record_is_not_written_leaves_no_file_behind(
    inspection, inspector, monkeypatch
):
    from fangkong.venues.services import inspections as service

    root = Path(settings.FANGKONG_VENUE_PHOTO_ROOT)
    before = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    def audit_fails(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "audit_write", audit_fails)
    upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
    with pytest.raises(RuntimeError):
        inspection_photo_add(inspection=inspection, upload=upload, by=inspector)

    after = {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    assert after == before
    assert not InspectionPhoto.objects.exists()


def test_the_jobs_remove_a_photo_file_whose_record_was_rolled_back_once_it_is_old(
    inspection, inspector, settings
):
    from django.db import transaction

    from fangkong.venues.jobs import run_photo_orphans

    # Given a kept photo, and one whose outer transaction rolled back after it was stored
    kept = inspection_photo_add(
        inspection=inspection,
        upload=SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png"),
        by=inspector,
    )
    with transaction.atomic():
        lost = inspection_photo_add(
            inspection=inspection,
            upload=SimpleUploadedFile("b.png", image_bytes("PNG"), content_type="image/png"),
            by=inspector,
        )
        transaction.set_rollback(True)  # the inspection failed to save after its photos
    root = Path(settings.FANGKONG_VENUE_PHOTO_ROOT)
    assert (root / str(lost.file.name)).exists()

    # When the jobs run before and after the grace period
    assert run_photo_orphans(timezone.now()) == 0
    later = timezone.now() + dt.timedelta(hours=settings.FANGKONG_VENUE_PHOTO_ORPHAN_HOURS + 1)
    assert run_photo_orphans(later) == 1

    # Then only the orphan is gone
    assert not (root / str(lost.file.name)).exists()
    assert (root / str(kept.file.name)).exists()
