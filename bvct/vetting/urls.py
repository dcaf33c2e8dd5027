from django.urls import path

from bvct.vetting import views, views_timeliness

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("all/", views.case_list, name="case-list"),
    path("timeliness/", views_timeliness.timeliness_page, name="timeliness"),
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
    path("mine/", views.my_cases, name="my-cases"),
    path("mine/<int:pk>/", views.my_case_detail, name="my-case-detail"),
]
