from django.urls import path

from bvct.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("search/", views.unit_search, name="unit-search"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
    path("<int:pk>/children/", views.unit_children, name="unit-children"),
    path("<int:pk>/create/", views.unit_create, name="unit-create"),
    path("<int:pk>/update/", views.unit_update, name="unit-update"),
    path("<int:pk>/merge/", views.unit_merge, name="unit-merge"),
]
