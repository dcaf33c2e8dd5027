from django.urls import path

from bvct.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("overrides/new/", views.override_create, name="override-create"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override-delete"),
]
