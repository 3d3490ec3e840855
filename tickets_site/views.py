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


def locked_out(request, credentials, *args, **kwargs):
    """django-axes' answer to a sign-in that is locked out: the sign-in page, saying why and for how long."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.forms.utils import ErrorDict
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    form = AuthenticationForm(request, data={"username": username})
    # The form is not validated again (that would be one more sign-in attempt): the refusal is its error.
    form._errors, form.cleaned_data = ErrorDict(), {}
    form.add_error(
        None,
        f"Too many failed sign-ins for this account from your address. Try again in {minutes} minutes, "
        "or ask an admin to unlock it.",
    )
    return render(request, "registration/login.html", {"form": form, "next": request.POST.get("next", "")},
                  status=429)
