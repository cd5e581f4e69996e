from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("市指挥部")
    DISTRICT_OFFICER = "district_officer", _("区县防控办")
    SITE_STAFF = "site_staff", _("隔离点工作人员")
    HOSPITAL_STAFF = "hospital_staff", _("医院工作人员")
    DOCTOR = "doctor", _("医生")
    INVESTIGATOR = "investigator", _("流调人员")
    INSPECTOR = "inspector", _("督查人员")
    UNIT_REPORTER = "unit_reporter", _("单位填报员")
    VENUE_MANAGER = "venue_manager", _("场所负责人")
    LEADER = "leader", _("领导（只读）")
    # A device account, not a person: a scanning gateway at venues' doors that posts live
    # check-ins with its API token (venues grant it `checkin.live`, and nothing else of theirs).
    CHECKIN_GATEWAY = "checkin_gateway", _("扫码网关（设备）")


# Roles that see the whole city whatever their home jurisdiction; every other role sees the
# subtree of its own jurisdiction (an investigator of the city CDC has the city as home).
CITY_WIDE_ROLES = frozenset({Role.HQ_ADMIN, Role.LEADER})
