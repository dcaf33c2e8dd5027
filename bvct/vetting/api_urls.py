from django.urls import path

from bvct.vetting import api

urlpatterns = [
    path("cases/", api.case_list, name="case-list"),
    path("cases/timeliness/", api.case_timeliness, name="case-timeliness"),
    path("cases/<int:pk>/", api.case_detail, name="case-detail"),
    path("cases/<int:pk>/transitions/", api.case_transition, name="case-transition"),
    path("cases/<int:pk>/history/", api.case_history, name="case-history"),
    path("cases/<int:pk>/documents/", api.case_document_list, name="case-document-list"),
    path("case-documents/<int:pk>/", api.case_document_download, name="case-document-download"),
]
