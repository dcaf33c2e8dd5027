from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from bvct.accounts import views
from bvct.accounts.forms import LoginForm, PasswordChangeBootstrapForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change.html",
            form_class=PasswordChangeBootstrapForm,
            success_url=reverse_lazy("core:home"),
        ),
        name="password-change",
    ),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/update/", views.user_update, name="user-update"),
]
