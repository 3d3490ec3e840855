from django.utils.functional import SimpleLazyObject

from .models import Notification


def notification_bell(request):
    """The unread count for the bell on every page; one cheap indexed COUNT, only when rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
