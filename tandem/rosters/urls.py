from django.urls import path

from . import views

app_name = "rosters"

urlpatterns = [
    path("", views.roster_list, name="list"),
    path("upload/", views.roster_upload, name="upload"),
    path("<uuid:public_id>/", views.roster_detail, name="detail"),
    path("<uuid:public_id>/confirm/", views.roster_confirm, name="confirm"),
]
