from django.urls import path

from bvct.travel import views

app_name = "travel"
urlpatterns = [
    path("", views.lists, name="lists"),
    path("<int:pk>/", views.detail, name="detail"),
    path("paper/<int:pk>/", views.paper, name="paper"),
    path("<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/classified/", views.classified, name="classified"),
    path("mine/", views.mine, name="mine"),
    path("mine/apply/", views.apply, name="apply"),
    path("mine/reports/", views.my_short, name="my-short"),
    path("mine/<int:pk>/", views.my_detail, name="my-detail"),
    path("mine/<int:pk>/return/", views.my_return, name="my-return"),
]
