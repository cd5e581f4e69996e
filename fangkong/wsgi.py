import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

application = get_wsgi_application()

# A web server outside DEBUG refuses to start with per-worker rate limits (no Redis).
from fangkong.core.ratelimit import ratelimit_cache_check  # noqa: E402

ratelimit_cache_check()

# Only web servers import this module, so only they pay for building a tracing copy.
from fangkong.cases.engines import warm_up_platform_engine  # noqa: E402

warm_up_platform_engine()
