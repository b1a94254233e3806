from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.pair_list, name="pairs"),
    path("pairs/<uuid:public_id>/", views.pair_detail, name="pair"),
    path("pairs/<uuid:public_id>/goals/", views.goal_add, name="goal_add"),
    path("pairs/<uuid:public_id>/sessions/", views.session_log, name="session_log"),
    path("pairs/<uuid:public_id>/schedule/", views.session_schedule, name="session_schedule"),
    path("pairs/<uuid:public_id>/rematch/", views.rematch_request, name="rematch"),
    path("pairs/<uuid:public_id>/close/", views.pair_close, name="pair_close"),
    path("pairs/<uuid:public_id>/reflection/", views.reflection, name="reflection"),
    path("goals/<uuid:public_id>/", views.goal_update, name="goal_update"),
    path("goals/<uuid:public_id>/delete/", views.goal_delete, name="goal_delete"),
    path(
        "sessions/<uuid:public_id>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
    path("sessions/<uuid:public_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "sessions/<uuid:public_id>/invitation.ics",
        views.session_invitation,
        name="session_ics",
    ),
    path("programs/<uuid:public_id>/health/", views.program_health, name="program_health"),
    path("programs/<uuid:public_id>/settings/", views.program_settings, name="program_settings"),
    path("programs/<uuid:public_id>/end/", views.program_end, name="program_end"),
]
