from django.urls import path

from bvct.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("verify/", views.chain_verify, name="chain-verify"),
]
