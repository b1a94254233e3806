from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("opportunities/", views.opportunity_search, name="opportunity_search"),
    path("apply/<uuid:opportunity_id>/", views.application_apply, name="apply"),
    path("<uuid:public_id>/", views.application_detail, name="detail"),
    path("<uuid:public_id>/move/", views.application_move, name="move"),
    path("<uuid:public_id>/outcome/", views.application_record_hire, name="record_hire"),
    path("<uuid:public_id>/cv/", views.application_cv, name="cv"),
]
