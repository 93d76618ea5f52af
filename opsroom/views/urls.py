from django.contrib.auth import views as auth_views
from django.urls import path

from opsroom.views import account, livemap, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("map/", livemap.live_map, name="map"),
    path("account/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", account.two_factor, name="two-factor"),
]
