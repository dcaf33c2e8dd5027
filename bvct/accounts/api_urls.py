from django.urls import path

from bvct.accounts import api

urlpatterns = [
    path("me/", api.me, name="me"),
]
