from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("vetting/", views.vetting, name="vetting"),
    path("<uuid:public_id>/", views.organization_detail, name="detail"),
    path("<uuid:public_id>/mfa-policy/", views.mfa_policy, name="mfa_policy"),
    path("<uuid:public_id>/members/add/", views.member_add, name="member_add"),
    path(
        "<uuid:public_id>/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<uuid:invitation_id>/respond/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("invitations/join/<str:token>/", views.invitation_link, name="invitation_link"),
    path(
        "<uuid:public_id>/members/<uuid:membership_id>/completion/",
        views.member_completion,
        name="member_completion",
    ),
    path(
        "<uuid:public_id>/completions/import/",
        views.completions_import,
        name="completions_import",
    ),
    path(
        "<uuid:public_id>/members/<uuid:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
