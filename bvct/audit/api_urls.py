from django.urls import path

from bvct.audit import api

urlpatterns = [
    path("audit-events/", api.audit_event_list, name="auditevent-list"),
]
