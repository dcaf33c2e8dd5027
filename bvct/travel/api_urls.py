from django.urls import path

from bvct.travel import api

urlpatterns = [
    path("travel/", api.travel_list, name="travel-list"),
    path("travel/<int:pk>/", api.travel_detail, name="travel-detail"),
]
