from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fangkong.cases"
    label = "cases"
    verbose_name = _("病例与流调")
