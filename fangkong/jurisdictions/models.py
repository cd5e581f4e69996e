from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区/村")

    @classmethod
    def below(cls, level: str) -> str | None:
        order = [cls.CITY, cls.DISTRICT, cls.STREET, cls.COMMUNITY]
        index = order.index(cls(level))
        return order[index + 1] if index + 1 < len(order) else None


class JurisdictionQuerySet(models.QuerySet["Jurisdiction"]):
    def subtree(self, root: Jurisdiction) -> JurisdictionQuerySet:
        return self.filter(path__startswith=root.path)

    def districts(self) -> JurisdictionQuerySet:
        return self.filter(level=Level.DISTRICT)


class Jurisdiction(models.Model):
    """A node of the city's tree: city → district → street/town → community/village.

    `path` is the chain of division codes from the city down ("320200/320213/"), so a whole
    subtree is one indexed prefix match instead of a recursive query.
    """

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("辖区")
        verbose_name_plural = _("辖区")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level=Level.CITY) & Q(parent__isnull=True))
                | (~Q(level=Level.CITY) & Q(parent__isnull=False)),
                name="jurisdiction_only_city_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: Jurisdiction) -> bool:
        return other.path.startswith(self.path)

    def ancestors(self) -> list[Jurisdiction]:
        """From the city down to this node's parent."""
        codes = [c for c in self.path.split("/") if c][:-1]
        by_code = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def full_name(self) -> str:
        return "".join(j.name for j in [*self.ancestors(), self])

    def district(self) -> Jurisdiction | None:
        if self.level == Level.CITY:
            return None
        if self.level == Level.DISTRICT:
            return self
        return next((j for j in self.ancestors() if j.level == Level.DISTRICT), None)


class ResponsibilityKind(models.TextChoices):
    """四方责任: the four parties that carry responsibility."""

    TERRITORY = "territory", _("属地")
    DEPARTMENT = "department", _("部门")
    ORGANISATION = "organisation", _("单位")
    INDIVIDUAL = "individual", _("个人")


class ResponsibleUnitQuerySet(models.QuerySet["ResponsibleUnit"]):
    def active(self) -> ResponsibleUnitQuerySet:
        return self.filter(active=True)


class ResponsibleUnit(models.Model):
    """责任单位: a territory office, a department or an organisation that answers to the HQ.

    Individuals (个人) carry responsibility as users or persons, never as a unit.
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("责任类型"), max_length=16, choices=ResponsibilityKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ResponsibleUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["jurisdiction__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="unit_unique_name"),
            models.CheckConstraint(
                condition=~Q(kind=ResponsibilityKind.INDIVIDUAL), name="unit_kind_not_individual"
            ),
        ]

    def __str__(self) -> str:
        return self.name
