from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Notification


def notification_bell(request):
    """The unread count for the bell on every page; one cheap indexed COUNT, only when rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    # Celery workers reach the browser over the channel layer only when it is shared (Redis); the
    # in-memory layer of the embedded default lives in the web process alone, so the bell polls.
    layer = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    return {
        "unread_notifications": SimpleLazyObject(unread),
        "notifications_pushed": "InMemory" not in layer,
        "notifications_poll_seconds": settings.HELPDESK_NOTIFICATION_POLL_SECONDS,
    }
