from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<uuid:public_id>/", views.round_detail, name="round_detail"),
    path("rounds/<uuid:public_id>/rank/", views.round_rank, name="round_rank"),
    path(
        "rounds/<uuid:public_id>/partner/<uuid:opportunity_id>/",
        views.round_partner_rank,
        name="round_partner_rank",
    ),
    path("rounds/<uuid:public_id>/<slug:step>/", views.round_step, name="round_step"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/open/", views.programs_open, name="programs_open"),
    path("programs/<uuid:public_id>/apply/", views.program_apply, name="program_apply"),
    path(
        "programs/<uuid:public_id>/applications/",
        views.program_applications,
        name="program_applications",
    ),
    path(
        "programs/<uuid:public_id>/applications/<uuid:application_id>/decide/",
        views.program_application_decide,
        name="program_application_decide",
    ),
    path("programs/<uuid:public_id>/nominate/", views.program_nominate, name="program_nominate"),
    path(
        "programs/<uuid:public_id>/nominations/<uuid:application_id>/respond/",
        views.program_nomination_respond,
        name="program_nomination_respond",
    ),
    path("programs/<uuid:public_id>/settings/", views.program_settings, name="program_settings"),
    path("programs/<uuid:public_id>/", views.program_detail, name="program_detail"),
    path("programs/<uuid:public_id>/add/", views.program_add, name="program_add"),
    path("programs/<uuid:public_id>/profile/", views.program_profile, name="program_profile"),
    path("programs/<uuid:public_id>/<slug:step>/", views.program_step, name="program_step"),
]
