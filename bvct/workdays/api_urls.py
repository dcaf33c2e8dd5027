from django.urls import path

from bvct.workdays import api

urlpatterns = [
    path("calendar/working-days/", api.working_days, name="working-days"),
]
