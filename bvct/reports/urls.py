from django.urls import path

from bvct.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("periodic/", views.periodic, name="periodic"),
    path("periodic/export/", views.periodic_export, name="periodic-export"),
    path("periodic/submit/", views.submit, name="submit"),
    path("received/", views.received, name="received"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export/", views.detail_export, name="detail-export"),
]
