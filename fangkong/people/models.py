from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.people.masking import mask_id_number, mask_phone
from fangkong.people.phone import phone_display


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    OTHER = "other", _("其他证件")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
    UNKNOWN = "unknown", _("未知")


class PersonQuerySet(models.QuerySet["Person"]):
    def not_anonymised(self) -> PersonQuerySet:
        return self.filter(anonymised_at__isnull=True)


class Person(models.Model):
    """Someone the platform tracks: a case, a contact, a traveller, a visitor, a patient.

    One record per identity document: the unique constraint is what keeps imports and
    concurrent registrations from creating a second record for the same ID number.
    """

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    home_jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所属辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,  # led by the (home_jurisdiction, name) index below
    )
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Set when the retention job (people.retention) anonymised the record: identifying fields
    # masked or cleared, movement and health data removed. Such a record is never revived.
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"], name="person_unique_id_document"
            ),
        ]
        indexes = [
            # A district officer's name search stays on the index: jurisdiction, then name.
            models.Index(fields=["home_jurisdiction", "name"], name="person_jurisdiction_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)
