from django.urls import path

from bvct.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("2fa/", views.otp_verify, name="otp-verify"),
    path("2fa/enrol/", views.otp_enrol, name="otp-enrol"),
    path("2fa/settings/", views.otp_settings, name="otp-settings"),
    path("2fa/recovery-codes/", views.otp_recovery_codes, name="otp-recovery-codes"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/update/", views.user_update, name="user-update"),
    path("users/<int:pk>/end-sessions/", views.user_sessions_end, name="user-end-sessions"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/reset-2fa/", views.user_otp_reset, name="user-otp-reset"),
]
