from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role


class SpecimensConfig(AppConfig):
    name = "fangkong.specimens"
    label = "specimens"
    verbose_name = _("采样与检测结果")
    person_panels = ("fangkong.specimens.panels.person_panel",)

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.specimens import personal_data

        # Everyone who works with a person's tests in some area reads their results in one list.
        grant(
            "specimen.view",
            [
                Role.HQ_ADMIN,
                Role.LEADER,
                Role.DISTRICT_OFFICER,
                Role.SITE_STAFF,
                Role.INVESTIGATOR,
                Role.HOSPITAL_STAFF,
                Role.DOCTOR,
            ],
        )
        personal_data.register()
