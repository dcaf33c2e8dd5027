from django.urls import path

from bvct.verification import api

urlpatterns = [
    path("requests/", api.request_list, name="request-list"),
    path("requests/<int:pk>/", api.request_detail, name="request-detail"),
]
