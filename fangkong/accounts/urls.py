from django.contrib.auth import views as auth_views
from django.urls import path

from fangkong.accounts.views import account, login, pages

app_name = "accounts"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("login/code/", login.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", pages.workbench, name="workbench"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/mfa/", account.mfa_enrol, name="mfa_enrol"),
    path("account/mfa/remove/", account.mfa_remove, name="mfa_remove"),
    path("account/tokens/", account.token_create, name="token_create"),
    path("account/tokens/<int:pk>/revoke/", account.token_revoke, name="token_revoke"),
]
