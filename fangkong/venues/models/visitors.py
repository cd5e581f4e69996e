"""Who a visitor of the check-in page is, as the page (not the registry) knows them.

The page answers the same thing whatever the registry holds, so the identity typed there is
sorted out on the server without telling the visitor:

- name and ID number of a registered person, or of nobody yet (then registered now): the stays
  are that person's `CheckIn`s, the input of contact tracing;
- an ID number registered under another name: an unverified claim. Its stays are
  `UnverifiedCheckIn`s, kept apart from `CheckIn`'s table, so that whoever types someone else's
  ID number never adds to that person's movements (tracing reads that table only). The
  HQ reviews the claims and their stays (who claimed which ID number, where, when) in the admin
  (`venues.admin`); once a claim is confirmed, its stays are sent through the check-in ingest
  (`api/v1/venues/checkins/ingest/`) like any other record, under the person's own name.

What this cannot stop: someone who knows both the name and the ID number of a person (or who
registers a number nobody had yet under a name of their choosing) is taken at their word, as
the registry itself would take them; only a second factor (an SMS code) would tell them apart.

The phone remembers the identity through a `VisitorPass`: a random 256-bit token in a signed
cookie, of which the database keeps only the SHA-256. The cookie names nobody, a copy of the
table lets nobody act as anyone, and "not me" revokes the pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fangkong.venues.conf import venues_settings
from fangkong.venues.models.venues import Venue


def pass_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pass_lifetime() -> dt.timedelta:
    return dt.timedelta(days=venues_settings().visitor_remember_days)


class VisitorPassQuerySet(models.QuerySet["VisitorPass"]):
    def usable(self, at: dt.datetime) -> VisitorPassQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)

    def for_token(self, token: str, at: dt.datetime) -> VisitorPass | None:
        """The pass the token opens. Looked up by the token's digest, so how long the lookup
        takes says nothing about how close a guessed token is to a real one."""
        return self.usable(at).filter(token_digest=pass_digest(token)).first()


class VisitorPass(models.Model):
    token_digest = models.CharField(_("凭证摘要"), max_length=64, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Filled only for an unverified claim (the ID number is registered under another name).
    claimed_name = models.CharField(_("所填姓名"), max_length=50, blank=True)
    claimed_id_number = models.CharField(_("所填证件号码"), max_length=32, blank=True)
    claimed_phone = models.CharField(_("所填手机号"), max_length=20, blank=True)
    # What the page shows the visitor (a masked number), never a name.
    label = models.CharField(_("显示标识"), max_length=32)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)

    objects = VisitorPassQuerySet.as_manager()

    class Meta:
        verbose_name = _("本机登记凭证")
        verbose_name_plural = _("本机登记凭证")
        indexes = [
            models.Index(
                fields=["claimed_id_number", "created_at"],
                condition=Q(person__isnull=True),
                name="visitorpass_claims",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(claimed_id_number=""))
                | (Q(person__isnull=True) & ~Q(claimed_id_number="")),
                name="visitorpass_person_or_claim",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def verified(self) -> bool:
        return self.person_id is not None


class UnverifiedCheckIn(models.Model):
    """One stay under an unverified claim: like a `CheckIn`, but attached to the claim, never
    to the registered person whose ID number was typed."""

    visitor_pass = models.ForeignKey(
        VisitorPass, verbose_name=_("登记凭证"), on_delete=models.PROTECT, related_name="stays"
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="+"
    )
    check_in = models.DateTimeField(_("进场时间"))
    check_out = models.DateTimeField(_("离场时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待核实扫码记录")
        verbose_name_plural = _("待核实扫码记录")
        indexes = [
            models.Index(fields=["venue", "check_in"], name="unverified_venue_time"),
            models.Index(fields=["visitor_pass", "check_in"], name="unverified_pass_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_out__isnull=True) | Q(check_out__gte=F("check_in")),
                name="unverified_out_not_before_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor_pass_id}@{self.venue_id} {self.check_in:%Y-%m-%d %H:%M}"
