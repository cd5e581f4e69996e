from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """The directory of hospitals, shared by every area that sends people to one.

    It sits below the areas (quarantine transfers to a hospital, a case names its reporting
    hospital, the hospitals area runs the wards) so that none of them imports another for it.
    """

    name = "fangkong.facilities"
    label = "facilities"
    verbose_name = _("医院名录")
