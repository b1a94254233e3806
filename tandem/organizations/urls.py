from django.urls import path

from . import views, views_people, views_signup

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("vetting/", views.vetting, name="vetting"),
    path("partners/signup/", views_signup.signup, name="partner_signup"),
    path(
        "partners/signup/confirm/<str:token>/",
        views_signup.verify,
        name="partner_signup_verify",
    ),
    path("<uuid:public_id>/", views.organization_detail, name="detail"),
    path("<uuid:public_id>/mfa-policy/", views.mfa_policy, name="mfa_policy"),
    path("<uuid:public_id>/members/add/", views.member_add, name="member_add"),
    path(
        "<uuid:public_id>/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<uuid:public_id>/invitations/",
        views_people.invitation_list,
        name="invitation_list",
    ),
    path(
        "<uuid:public_id>/invitations/import/",
        views_people.invitation_import,
        name="invitation_import",
    ),
    path(
        "<uuid:public_id>/invitations/<uuid:invitation_id>/resend/",
        views_people.invitation_resend,
        name="invitation_resend",
    ),
    path("<uuid:public_id>/people/", views_people.member_accounts, name="member_accounts"),
    path(
        "<uuid:public_id>/people/<uuid:user_id>/deactivate/",
        views_people.account_deactivate,
        name="account_deactivate",
    ),
    path(
        "<uuid:public_id>/people/<uuid:user_id>/reactivate/",
        views_people.account_reactivate,
        name="account_reactivate",
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
