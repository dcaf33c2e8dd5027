from django.urls import path

from bvct.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("units/", views.unit_picker, name="unit-picker"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/update/", views.person_update, name="person-update"),
    path("<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("<int:pk>/relatives/new/", views.relative_create, name="relative-create"),
    path("relatives/<int:pk>/update/", views.relative_update, name="relative-update"),
    path("relatives/<int:pk>/delete/", views.relative_delete, name="relative-delete"),
    path("<int:pk>/issues/new/", views.issue_create, name="issue-create"),
    path("issues/<int:pk>/status/", views.issue_status, name="issue-status"),
]
