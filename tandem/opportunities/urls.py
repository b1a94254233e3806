from django.urls import path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("approvals/", views.approvals, name="approvals"),
    path("<uuid:public_id>/", views.opportunity_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.opportunity_edit, name="edit"),
    path("<uuid:public_id>/submit/", views.opportunity_submit, name="submit"),
    path("<uuid:public_id>/decide/", views.decide, name="decide"),
    path("<uuid:public_id>/close/", views.close, name="close"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:public_id>/filled/", views.mark_filled, name="mark_filled"),
]
