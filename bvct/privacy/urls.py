from django.urls import path

from bvct.privacy import views

app_name = "privacy"
urlpatterns = [
    path("exports/", views.export_list, name="export-list"),
    path("exports/new/", views.export_new, name="export-new"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/decide/", views.export_decide, name="export-decide"),
    path("exports/<int:pk>/cancel/", views.export_cancel, name="export-cancel"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("requests/", views.subject_list, name="subject-list"),
    path("requests/paper/<int:pk>/", views.subject_paper, name="subject-paper"),
    path("requests/<int:pk>/", views.subject_detail, name="subject-detail"),
    path("requests/<int:pk>/acknowledge/", views.subject_acknowledge, name="subject-acknowledge"),
    path("requests/<int:pk>/extend/", views.subject_extend, name="subject-extend"),
    path("requests/<int:pk>/close/", views.subject_close, name="subject-close"),
    path("mine/", views.my_requests, name="my-requests"),
    path("mine/<int:pk>/", views.my_request, name="my-request"),
]
