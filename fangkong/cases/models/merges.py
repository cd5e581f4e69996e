from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MergeMatch(models.TextChoices):
    ID_NUMBER = "id_number", _("证件号码相同")
    NAME_PHONE = "name_phone", _("姓名与手机号相同")


class PersonMerge(models.Model):
    """Two records of one person made one: what the removed record was and what moved.

    The removed record is gone, so it is kept here by value (`removed`), with the rows of
    every table that pointed at it (`moved`: model label → field → primary keys).
    """

    kept = models.ForeignKey(
        "people.Person",
        verbose_name=_("保留的人员记录"),
        on_delete=models.PROTECT,
        related_name="merges_absorbed",
    )
    removed_person_id = models.BigIntegerField(_("被合并记录编号"))
    removed = models.JSONField(_("被合并记录"))
    match = models.CharField(_("匹配依据"), max_length=16, choices=MergeMatch.choices)
    moved = models.JSONField(_("转移的记录"))
    filled = models.JSONField(_("补全的字段"), default=dict)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("合并时间"), default=timezone.now)

    class Meta:
        verbose_name = _("人员记录合并")
        verbose_name_plural = _("人员记录合并")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.removed_person_id} → {self.kept_id}"
