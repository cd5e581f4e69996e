from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.roles import Role
from fangkong.core.navigation import NavItem


class HospitalsConfig(AppConfig):
    name = "fangkong.hospitals"
    label = "hospitals"
    verbose_name = _("定点医院")
    nav_items = (
        NavItem(_("医疗救治"), "hospitals:home", "hospitals.view", order=30, icon="hospital"),
    )
    role_homes = {Role.HOSPITAL_STAFF: "hospitals:home", Role.DOCTOR: "hospitals:home"}
    person_panels = ("fangkong.hospitals.panels.person_panel",)

    def ready(self) -> None:
        from fangkong.accounts.capabilities import grant
        from fangkong.hospitals import briefing, custody, jobs, measures, personal_data, unit_day
        from fangkong.hospitals.visibility import PATIENT_VIEW, hospital_people_q
        from fangkong.people.visibility import register_person_visibility

        hospital_roles = [Role.HOSPITAL_STAFF, Role.DOCTOR]
        grant(
            "hospitals.view",
            [Role.HQ_ADMIN, Role.LEADER, Role.DISTRICT_OFFICER, Role.INVESTIGATOR, *hospital_roles],
        )
        grant("hospitals.overview", [Role.HQ_ADMIN, Role.LEADER, Role.DISTRICT_OFFICER])
        # A hospital's own people work for that hospital alone (see selectors/hospitals.py).
        grant("hospitals.unit_bound", hospital_roles)
        grant(PATIENT_VIEW, hospital_roles)
        grant("hospitals.admit", [Role.HQ_ADMIN, *hospital_roles])
        grant("hospitals.clinical", hospital_roles)
        grant("hospitals.discharge", hospital_roles)
        grant("hospitals.discharge_override", [Role.DOCTOR])
        grant("hospitals.manage", [Role.HQ_ADMIN, Role.HOSPITAL_STAFF])
        grant("hospitals.supplies", [Role.HQ_ADMIN, Role.HOSPITAL_STAFF])
        grant("hospitals.staff", [Role.HQ_ADMIN, Role.HOSPITAL_STAFF])
        grant("hospitals.incident", [Role.HQ_ADMIN, *hospital_roles])
        grant("hospitals.monitoring", [Role.HQ_ADMIN, Role.DISTRICT_OFFICER, *hospital_roles])
        measures.register()
        register_person_visibility(hospital_people_q)
        personal_data.register()
        custody.register()
        jobs.register()
        briefing.register()
        unit_day.register()
