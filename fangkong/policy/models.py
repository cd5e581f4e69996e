from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Measure(models.Model):
    """One policy value taking effect at a moment: a tier for bars from 20:00, a quarantine
    scheme from tomorrow, a district's risk level. The value in force at any instant is the
    latest measure of its kind and subject whose effective time has come; nothing is edited in
    place, so what was in force at any past moment stays computable.
    """

    kind = models.CharField(_("措施类型"), max_length=64)
    subject = models.CharField(_("适用对象"), max_length=64, blank=True)
    value = models.JSONField(_("取值"))
    effective_at = models.DateTimeField(_("生效时间"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("防控措施")
        verbose_name_plural = _("防控措施")
        indexes = [
            models.Index(fields=["kind", "subject", "effective_at"], name="measure_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}[{self.subject}]={self.value}"
