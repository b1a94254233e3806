from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from tandem.accounts import views as account_views
from tandem.api.main import api
from tandem.core.views import favicon

urlpatterns = [
    path("", include("tandem.dashboards.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    # django-allauth (accounts, MFA, SSO): docs/decisions/0010-allauth-identity.md. Tandem's
    # sign-in, sign-out and password reset keep their /accounts/ addresses; allauth's names
    # for them resolve there (these come first), so its pages and redirects use them too.
    path("accounts/login/", account_views.LoginView.as_view(), name="account_login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="account_logout"),
    path(
        "auth/password/reset/",
        RedirectView.as_view(url=reverse_lazy("accounts:password_reset")),
        name="account_reset_password",
    ),
    path("auth/", include("allauth.urls")),
    path("organizations/", include("tandem.organizations.urls")),
    path("partnerships/", include("tandem.partnerships.urls")),
    path("opportunities/", include("tandem.opportunities.urls")),
    path("applications/", include("tandem.applications.urls")),
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
