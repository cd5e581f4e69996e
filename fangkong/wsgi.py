import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

application = get_wsgi_application()

# With DEBUG off a web server must be a declared deployment (its own key, hosts and HTTPS).
from fangkong.core.deployment import serving_check  # noqa: E402

serving_check()

# A web server outside DEBUG refuses to start with per-worker rate limits (no Redis).
from fangkong.core.ratelimit import ratelimit_cache_check  # noqa: E402

ratelimit_cache_check()

# Only web servers import this module, so only they pay for building a tracing copy.
from fangkong.cases.engines import warm_up_platform_engine  # noqa: E402

warm_up_platform_engine()
