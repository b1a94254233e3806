from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from tandem.accounts import views as account_views
from tandem.api.main import api
from tandem.core.views import favicon

urlpatterns = [
    path("", include("tandem.dashboards.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    # django-allauth (accounts, MFA, SSO): docs/decisions/0010-allauth-identity.md.
    # Resolved before allauth's own: one password-reset flow (Tandem's, under /accounts/),
    # and recovery-code pages that do not write on GET.
    path(
        "auth/password/reset/",
        RedirectView.as_view(url=reverse_lazy("accounts:password_reset"), query_string=True),
    ),
    path("auth/2fa/recovery-codes/", account_views.RecoveryCodesView.as_view()),
    path("auth/2fa/recovery-codes/download/", account_views.RecoveryCodesDownloadView.as_view()),
    path("auth/", include("allauth.urls")),
    # After allauth's, so that reverse() of these names (by allauth's pages and redirects)
    # gives Tandem's addresses; /accounts/ above resolves them first.
    path("accounts/login/", account_views.LoginView.as_view(), name="account_login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="account_logout"),
    path(
        "accounts/password-reset/",
        RedirectView.as_view(url=reverse_lazy("accounts:password_reset")),
        name="account_reset_password",
    ),
    path("sso/", include("tandem.sso.urls")),
    path("organizations/", include("tandem.organizations.urls")),
    path("partnerships/", include("tandem.partnerships.urls")),
    path("opportunities/", include("tandem.opportunities.urls")),
    path("applications/", include("tandem.applications.urls")),
    path("placements/", include("tandem.placements.urls")),
    path("audit/", include("tandem.audit.urls")),
    path("matching/", include("tandem.matching.urls")),
    path("mentoring/", include("tandem.mentoring.urls")),
    path("skills/", include("tandem.skills.urls")),
    path("curriculum/", include("tandem.curricula.urls")),
    path("rosters/", include("tandem.rosters.urls")),
    path("profiles/", include("tandem.profiles.urls")),
    path("surveys/", include("tandem.surveys.urls")),
    path("events/", include("tandem.events.urls")),
    path("analytics/", include("tandem.analytics.urls")),
    path("search/", include("tandem.search.urls")),
    path("notifications/", include("tandem.notifications.urls")),
    path("messages/", include("tandem.messaging.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Django's set_language, which also saves a signed-in person's choice (accounts.views).
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
]
