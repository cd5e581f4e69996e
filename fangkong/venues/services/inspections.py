"""Recording an unannounced inspection (四不两直) and its photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from fangkong.core.audit import audit_write, snapshot
from fangkong.venues.conf import venues_settings
from fangkong.venues.limits import venue_limit
from fangkong.venues.models import (
    CHECKLIST,
    CampaignStatus,
    CampaignTarget,
    EnforcementAction,
    EnforcementKind,
    Inspection,
    InspectionPhoto,
    InspectionPurpose,
    Venue,
    Verdict,
)
from fangkong.venues.services.enforcement import mark_rectified
from fangkong.venues.storage import inspection_photo_storage

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_FIELDS = [
    "venue",
    "inspected_at",
    "purpose",
    *[field for field, _label in CHECKLIST],
    "headcount",
    "limit_at_time",
    "notes",
    "verdict",
]


def _purpose(venue: Venue, at: dt.datetime, target: CampaignTarget | None) -> str:
    """A visit to a closed venue, or one with an open rectification order, re-inspects it."""
    pending = EnforcementAction.objects.filter(venue=venue, issued_at__lte=at).filter(
        kind__in=[EnforcementKind.CLOSURE, EnforcementKind.RECTIFICATION]
    )
    closed = pending.covering(at).filter(kind=EnforcementKind.CLOSURE).exists()
    unrectified = pending.filter(
        kind=EnforcementKind.RECTIFICATION, rectified_at__isnull=True
    ).exists()
    if closed or unrectified:
        return InspectionPurpose.REINSPECTION
    return InspectionPurpose.CAMPAIGN if target is not None else InspectionPurpose.ROUTINE


def _open_target(venue: Venue, at: dt.datetime) -> CampaignTarget | None:
    return (
        CampaignTarget.objects.select_for_update()
        .filter(
            venue=venue,
            inspection__isnull=True,
            campaign__status=CampaignStatus.ACTIVE,
            campaign__starts_at__lte=at,
            campaign__ends_at__gte=at,
        )
        .order_by("campaign__starts_at", "pk")
        .first()
    )


@transaction.atomic
def inspection_record(
    *,
    venue: Venue,
    inspected_at: dt.datetime,
    inspectors: Sequence[User],
    code_posted: bool,
    everyone_scans: bool,
    temperature_checked: bool,
    masks_worn: bool,
    ventilated_disinfected: bool,
    headcount: int,
    verdict: str,
    notes: str = "",
    purpose: str = "",
    by: User | None,
) -> Inspection:
    """Record what the inspectors found. Capacity is judged against the limit in force at
    the moment of the inspection; "passed" needs every checklist item met. A passed
    inspection completes the venue's open rectification orders; an inspection of a venue on
    an active campaign's list is counted for that campaign."""
    now = timezone.now()
    tolerance = dt.timedelta(minutes=venues_settings().checkin_future_tolerance_minutes)
    errors: dict[str, str] = {}
    if inspected_at > now + tolerance:
        errors["inspected_at"] = _("督查时间不能晚于当前时间")
    if headcount < 0:
        errors["headcount"] = _("现场人数不能为负数")
    if verdict not in Verdict.values:
        errors["verdict"] = _("请选择结论")
    if purpose and purpose not in InspectionPurpose.values:
        errors["purpose"] = _("未知督查类型：%s") % purpose
    if not inspectors:
        errors["inspectors"] = _("请至少填写一名督查人员")
    if errors:
        raise ValidationError(errors)
    limit = venue_limit(venue, at=inspected_at)
    checks = {
        "code_posted": code_posted,
        "everyone_scans": everyone_scans,
        "temperature_checked": temperature_checked,
        "masks_worn": masks_worn,
        "ventilated_disinfected": ventilated_disinfected,
        "capacity_respected": headcount <= limit,
    }
    if verdict == Verdict.PASSED and not all(checks.values()):
        failed = [str(label) for field, label in CHECKLIST if not checks[field]]
        raise ValidationError(
            {"verdict": _("以下检查项未落实，结论不能为合格：%s") % "、".join(failed)}
        )
    target = _open_target(venue, inspected_at)
    inspection = Inspection.objects.create(
        venue=venue,
        inspected_at=inspected_at,
        purpose=purpose or _purpose(venue, inspected_at, target),
        headcount=headcount,
        limit_at_time=limit,
        notes=notes.strip(),
        verdict=verdict,
        recorded_by=by,
        **checks,
    )
    inspection.inspectors.set(inspectors)
    audit_write(
        by=by,
        action="inspection.record",
        obj=inspection,
        after={
            **snapshot(inspection, _FIELDS),
            "capacity_respected": inspection.capacity_respected,
            "inspectors": [u.pk for u in inspectors],
        },
    )
    if target is not None:
        target.inspection = inspection
        target.save(update_fields=["inspection"])
        audit_write(
            by=by,
            action="campaign.target_inspected",
            obj=target,
            after={"inspection": inspection.pk},
        )
    mark_rectified(inspection=inspection, by=by)
    return inspection


def _photo_format(upload: UploadedFile) -> str:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            image_format = str(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError({"photo": _("「%s」不是可识别的图片") % upload.name}) from error
    finally:
        upload.seek(0)
    allowed = [f.upper() for f in venues_settings().photo_formats]
    if image_format.upper() not in allowed:
        raise ValidationError(
            {
                "photo": _("「%(name)s」的格式为 %(format)s，只接受 %(allowed)s")
                % {"name": upload.name, "format": image_format, "allowed": "、".join(allowed)}
            }
        )
    return image_format.upper()


_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}


@transaction.atomic
def inspection_photo_add(
    *, inspection: Inspection, upload: UploadedFile, by: User | None
) -> InspectionPhoto:
    """Attach a photo after checking that it is an image of an accepted type and size (the
    content is read, not the name or the browser's word for it)."""
    size = upload.size or 0
    limit = venues_settings().photo_max_bytes
    if size > limit:
        raise ValidationError(
            {
                "photo": _("「%(name)s」大小 %(size).1f MB，超过 %(limit).0f MB 的上限")
                % {"name": upload.name, "size": size / 2**20, "limit": limit / 2**20}
            }
        )
    if inspection.photos.count() >= venues_settings().photos_per_inspection:
        raise ValidationError(
            {"photo": _("每条督查记录最多 %s 张照片") % venues_settings().photos_per_inspection}
        )
    image_format = _photo_format(upload)
    photo = InspectionPhoto(
        inspection=inspection,
        content_type=f"image/{image_format.lower()}",
        size=size,
        uploaded_by=by,
    )
    photo.file.save(f"photo{_EXTENSIONS.get(image_format, '')}", upload, save=False)
    try:
        photo.save()
        audit_write(
            by=by,
            action="inspection.photo_add",
            obj=photo,
            # the file by its stored name: a private file has no URL to snapshot
            after={
                "inspection": inspection.pk,
                "file": photo.file.name,
                "content_type": photo.content_type,
                "size": photo.size,
            },
        )
    except BaseException:
        # Storage is not transactional: a row that is never written must not leave its
        # file behind, out of reach of every page and of the audit trail. (When an outer
        # transaction rolls back later, photo_orphans_remove finds the file.)
        photo.file.delete(save=False)
        raise
    return photo


def photo_orphans_remove(*, older_than: dt.datetime) -> list[str]:
    """Delete photo files that no InspectionPhoto refers to and that were written before
    `older_than`: left by a transaction that rolled back after the file was stored. They
    may show a person and belong to no record, so nobody could ever see or audit them."""
    storage = inspection_photo_storage()
    root = Path(storage.location)
    if not root.exists():
        return []
    known = set(InspectionPhoto.objects.values_list("file", flat=True))
    cutoff = older_than.timestamp()
    removed = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name not in known and path.stat().st_mtime < cutoff:
            storage.delete(name)
            removed.append(name)
    return removed
