from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/<slug:subject_type>/<uuid:subject_id>/", views.start, name="start"),
    path(
        "institutions/<uuid:public_id>/students/",
        views.student_messaging,
        name="student_messaging",
    ),
    path("<uuid:public_id>/", views.conversation, name="conversation"),
    path("<uuid:public_id>/read/", views.mark_read, name="mark_read"),
    path("<uuid:public_id>/<uuid:message_id>/report/", views.report, name="report"),
    path("<uuid:public_id>/<uuid:message_id>/attachment/", views.attachment, name="attachment"),
]
