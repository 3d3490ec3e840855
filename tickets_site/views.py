from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView


class SignInView(LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            # Only in development, and only while the demo users exist: a fresh `make run` shows them.
            from tickets.management.commands.runstack import DEMO_LOGINS

            names = [username for username, _ in DEMO_LOGINS]
            existing = set(get_user_model().objects.filter(username__in=names).values_list("username", flat=True))
            context["demo_logins"] = [
                f"{username} / demo — {role}" for username, role in DEMO_LOGINS if username in existing
            ]
        return context
