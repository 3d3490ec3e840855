"""Live Notification Center updates: the bell's unread count, pushed to the user's group after commit."""

import logging

from channels.layers import get_channel_layer
from django.db import transaction

from tickets.live import send_to_group

logger = logging.getLogger(__name__)


def user_group(user_id):
    return f"notifications-{user_id}"


def unread_count(user_id):
    from .models import Notification

    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def publish_unread(user_id, notification=None):
    layer = get_channel_layer()
    if layer is None:
        return
    payload = {"unread": unread_count(user_id)}
    if notification is not None:
        payload.update({"id": notification.pk, "title": notification.title, "kind": notification.kind})
    try:
        send_to_group(layer, user_group(user_id), {"type": "notification.update", "payload": payload})
    except Exception:  # noqa: BLE001 - a live update must never undo a committed change
        logger.exception("Could not publish notification update for user %s", user_id)


def publish_unread_on_commit(user_id, notification=None):
    transaction.on_commit(lambda: publish_unread(user_id, notification))
