from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class CasesConfig(AppConfig):
    name = "fangkong.cases"
    label = "cases"
    verbose_name = _("病例与流调")
    nav_items = (NavItem(_("流调溯源"), "cases:list", "cases.view", order=40, icon="diagram-3"),)
    role_homes = {Role.INVESTIGATOR: "cases:list"}
    person_panels = ("fangkong.cases.panels.person_panel",)

    def ready(self) -> None:
        from django.core import checks

        from fangkong.accounts.capabilities import grant
        from fangkong.cases import (
            background,
            briefing,
            custody,
            jobs,
            personal_data,
            receivers,  # noqa: F401 - connects to the quarantine signals
        )
        from fangkong.cases.engines import check_engine_setting
        from fangkong.cases.services import merge  # noqa: F401 - registers its resolver
        from fangkong.cases.visibility import contacts_of_cases_in_scope
        from fangkong.people.visibility import register_person_visibility

        workers = [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, Role.INVESTIGATOR]
        grant("cases.view", [*workers, Role.LEADER])
        grant("cases.register", workers)
        grant("cases.investigate", workers)  # itinerary, interviews, traces, confirm/dismiss
        grant("cases.control", workers)  # notify, record control, place in a site
        grant("cases.export", [*workers, Role.LEADER])
        grant("person.merge", workers)

        register_person_visibility(contacts_of_cases_in_scope)
        personal_data.register()
        custody.register()
        jobs.register()
        briefing.register()
        background.register()
        checks.register(check_engine_setting, "fangkong")
