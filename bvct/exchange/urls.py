from django.urls import path

from bvct.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="bundle-upload"),
    path("peers/<int:pk>/", views.peer_queue, name="peer-queue"),
    path("peers/<int:pk>/export/", views.peer_export, name="peer-export"),
    path("bundles/<int:pk>/", views.bundle_detail, name="bundle-detail"),
    path("bundles/<int:pk>/download/", views.bundle_download, name="bundle-download"),
    path("cases/<int:pk>/transfer/", views.case_transfer, name="case-transfer"),
]
