"""What a web server checks before it serves (run by fangkong.wsgi, which only web servers import).

Settings already refuse a production start without SECRET_KEY and ALLOWED_HOSTS
(FANGKONG_PRODUCTION). Tests and CLI commands run with DEBUG off and without that switch, on a
generated key; a web server doing the same would be serving real users on development defaults,
so it must say which it is: DEBUG for a development server, FANGKONG_PRODUCTION for the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fangkong.core.conf import core_settings


def serving_check() -> None:
    if settings.DEBUG or core_settings().production:
        return
    raise ImproperlyConfigured(
        "fangkong serves with DEBUG off only as a production deployment: set "
        "FANGKONG_PRODUCTION=true with SECRET_KEY and ALLOWED_HOSTS (README, 'Running it in "
        "production'), or DEBUG=true for a development server."
    )
