from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from .views import SignInView

admin.site.site_header = "Helpdesk administration"
admin.site.site_title = "Helpdesk admin"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:ticket_list"), name="home"),
    path(
        "login/",
        login_not_required(SignInView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("tickets/", include("tickets.urls")),
    path("tickets/", include("mail.urls")),
    path("mail/", include("mail.webhook_urls")),
    path("configurations/", include("configurations.urls")),
    path("notifications/", include("notifications.urls")),
]
