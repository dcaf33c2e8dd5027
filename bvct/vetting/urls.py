from django.urls import path

from bvct.vetting import (
    views,
    views_documents,
    views_dueprocess,
    views_limits,
    views_timeliness,
)

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("all/", views.case_list, name="case-list"),
    path("timeliness/", views_timeliness.timeliness_page, name="timeliness"),
    path("limits/", views_limits.limits_page, name="limits"),
    path("limits/revise/", views_limits.limit_revise, name="limit-revise"),
    path("open/<int:pk>/", views.case_open, name="case-open"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/transition/", views.case_transition, name="case-transition"),
    path("<int:pk>/assign/", views.case_assign, name="case-assign"),
    path("<int:pk>/pause/", views.case_pause, name="case-pause"),
    path("<int:pk>/resume/", views.case_resume, name="case-resume"),
    path("<int:pk>/extend/", views.case_extend, name="case-extend"),
    path("<int:pk>/checklist/", views.case_checklist, name="case-checklist"),
    path("<int:pk>/decision/", views.case_decision, name="case-decision"),
    path("<int:pk>/team/", views.case_team, name="case-team"),
    path("<int:pk>/conclude/", views_dueprocess.case_conclude, name="case-conclude"),
    path("<int:pk>/conclusion/", views_dueprocess.case_conclusion, name="case-conclusion"),
    path("<int:pk>/notices/", views_dueprocess.case_notice_issue, name="case-notice-issue"),
    path(
        "<int:pk>/explanations/paper/",
        views_dueprocess.case_explanation_paper,
        name="case-explanation-paper",
    ),
    path("<int:pk>/appeals/", views_dueprocess.case_appeal_lodge, name="case-appeal-lodge"),
    path("<int:pk>/appeals/panel/", views_dueprocess.case_appeal_panel, name="case-appeal-panel"),
    path(
        "<int:pk>/appeals/decide/", views_dueprocess.case_appeal_decide, name="case-appeal-decide"
    ),
    path("<int:pk>/documents/upload/", views_documents.document_upload, name="document-upload"),
    path("<int:pk>/sessions/", views_documents.session_record, name="session-record"),
    path("documents/<int:pk>/", views_documents.document_download, name="document-download"),
    path("mine/", views.my_cases, name="my-cases"),
    path("mine/<int:pk>/", views.my_case_detail, name="my-case-detail"),
    path("mine/<int:pk>/explanation/", views_dueprocess.my_explanation, name="my-explanation"),
    path("mine/<int:pk>/appeal/", views_dueprocess.my_appeal, name="my-appeal"),
    path(
        "mine/documents/<int:pk>/",
        views_documents.my_document_download,
        name="my-document-download",
    ),
]
