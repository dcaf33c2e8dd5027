from django.urls import path

from bvct.orgs import api

urlpatterns = [
    path("orgs/", api.orgunit_list, name="orgunit-list"),
    path("orgs/<int:pk>/", api.orgunit_detail, name="orgunit-detail"),
]
