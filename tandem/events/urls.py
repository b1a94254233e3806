from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new-link/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/turn-off/", views.calendar_revoke, name="calendar_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("speakers/", views.speaker_requests, name="speaker_requests"),
    path("speakers/ask/", views.speaker_request_new, name="speaker_request_new"),
    path("speakers/profile/", views.speaker_profile, name="speaker_profile"),
    path(
        "speakers/<uuid:public_id>/answer/",
        views.speaker_request_answer,
        name="speaker_request_answer",
    ),
    path("<uuid:public_id>/", views.event_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.event_edit, name="edit"),
    path("<uuid:public_id>/publish/", views.event_publish, name="publish"),
    path("<uuid:public_id>/cancel/", views.event_cancel, name="cancel"),
    path("<uuid:public_id>/register/", views.register, name="register"),
    path("<uuid:public_id>/unregister/", views.unregister, name="unregister"),
    path("<uuid:public_id>/self-check-in/", views.self_check_in, name="self_check_in"),
    path("<uuid:public_id>/event.ics", views.event_ics, name="ics"),
    path("<uuid:public_id>/manage/", views.manage, name="manage"),
    path("<uuid:public_id>/speakers/", views.speaker_add, name="speaker_add"),
    path("<uuid:public_id>/check-in/", views.check_in, name="check_in"),
]
