from django.urls import path

from bvct.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/update/", views.user_update, name="user-update"),
    path("users/<int:pk>/end-sessions/", views.user_sessions_end, name="user-end-sessions"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
]
