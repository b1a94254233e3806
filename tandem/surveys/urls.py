from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("from-template/", views.survey_from_template, name="from_template"),
    path("answer/<uuid:public_id>/", views.answer, name="answer"),
    path("r/<str:token>/", views.answer_link, name="answer_link"),
    path("<uuid:public_id>/", views.survey_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.survey_edit, name="edit"),
    path("<uuid:public_id>/sections/", views.section_add, name="section_add"),
    path("<uuid:public_id>/questions/", views.question_add, name="question_add"),
    path("<uuid:public_id>/questions/<slug:key>/", views.question_edit, name="question_edit"),
    path(
        "<uuid:public_id>/questions/<slug:key>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("<uuid:public_id>/publish/", views.survey_publish, name="publish"),
    path("<uuid:public_id>/close/", views.survey_close, name="close"),
    path("<uuid:public_id>/invite/", views.survey_invite, name="invite"),
    path("<uuid:public_id>/preview/", views.survey_preview, name="preview"),
    path("<uuid:public_id>/results/", views.survey_results, name="results"),
    path(
        "<uuid:public_id>/results/export.<slug:fmt>",
        views.survey_results_export,
        name="results_export",
    ),
    path(
        "<uuid:public_id>/results/export/<slug:key>.<slug:fmt>",
        views.survey_question_export,
        name="results_question_export",
    ),
    path("<uuid:public_id>/responses/", views.survey_responses, name="responses"),
]
