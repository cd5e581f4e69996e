from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JurisdictionsConfig(AppConfig):
    name = "fangkong.jurisdictions"
    label = "jurisdictions"
    verbose_name = _("辖区与责任单位")
