from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fangkong.accounts.views.login import admin_login

urlpatterns = [
    path("", include("fangkong.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin signs in through the platform's login page (lockout, second factor).
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("persons/", include("fangkong.people.urls")),
    path("system/", include("fangkong.core.urls")),
    path("policy/", include("fangkong.policy.urls")),
    path("alerts/", include("fangkong.alerts.urls")),
    path("venues/", include("fangkong.venues.urls")),
    path("quarantine/", include("fangkong.quarantine.urls")),
    path("hospitals/", include("fangkong.hospitals.urls")),
    path("cases/", include("fangkong.cases.urls")),
    path("assist/", include("fangkong.assist.urls")),
    path("command/", include("fangkong.command.urls")),
    path("work/", include("fangkong.operations.urls")),
    path("api/v1/", include(("fangkong.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script from a URL of its own, not inline: the CSP runs only our files.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/api_docs.html"
        ),
        name="api-docs",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# An error of the database connection outside a view (a middleware reading or saving the session)
# is an outage too: 503 with Retry-After rather than a 500 or a 400.
handler500 = "fangkong.core.database_outage.server_error"
handler400 = "fangkong.core.database_outage.bad_request"
# Under /api/ an unknown path or a refusal outside any view answers problem JSON, not a page.
handler403 = "fangkong.core.api.handlers.permission_denied"
handler404 = "fangkong.core.api.handlers.not_found"
