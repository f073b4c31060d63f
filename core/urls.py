from django.contrib.auth import views as auth_views
from django.urls import path

from . import login_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("welcome/code/", login_views.welcome_code, name="welcome-code"),
    path("welcome/<str:token>/", login_views.welcome, name="welcome"),
    path("logins/", login_views.every_login, name="logins"),
    path("logins/<int:pk>/close/", login_views.login_action, {"action": "close"}, name="login-close"),
    path("logins/<int:pk>/invite/", login_views.login_action, {"action": "invite"}, name="login-invite"),
    path("password/", login_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/forgotten/", login_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/forgotten/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="registration/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", login_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
]
