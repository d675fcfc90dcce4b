from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("home/", views.home, name="home"),
    path("2fa/setup/", views.second_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.second_factor_verify, name="2fa_verify"),
    path("2fa/backup-codes/", views.backup_codes_regenerate, name="backup_codes"),
    path("security/", views.security, name="security"),
]
