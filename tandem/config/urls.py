from django.contrib import admin
from django.urls import include, path

from tandem.api.main import api
from tandem.core.views import favicon

urlpatterns = [
    path("", include("tandem.dashboards.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("organizations/", include("tandem.organizations.urls")),
    path("partnerships/", include("tandem.partnerships.urls")),
    path("opportunities/", include("tandem.opportunities.urls")),
    path("applications/", include("tandem.applications.urls")),
    path("placements/", include("tandem.placements.urls")),
    path("audit/", include("tandem.audit.urls")),
    path("matching/", include("tandem.matching.urls")),
    path("skills/", include("tandem.skills.urls")),
    path("curriculum/", include("tandem.curricula.urls")),
    path("profiles/", include("tandem.profiles.urls")),
    path("surveys/", include("tandem.surveys.urls")),
    path("analytics/", include("tandem.analytics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon, name="favicon"),
]
