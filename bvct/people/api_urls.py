from django.urls import path

from bvct.people import api

urlpatterns = [
    path("people/", api.person_list, name="person-list"),
    path("people/<int:pk>/", api.person_detail, name="person-detail"),
]
