from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("人员")
    nav_items = (NavItem(_("人员"), "people:list", "person.view", order=10, icon="people"),)

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.accounts.roles import Role
        from fangkong.people import jobs, stored_answers

        # A person's access request (PIPL) is answered by the HQ, which holds the whole city.
        grant("person.subject_export", [Role.HQ_ADMIN])
        jobs.register()
        stored_answers.register()
