"""Notification Center items (SPEC N1) and email to agents.

`notify` is how every part of the product puts something in a person's Notification Center:
mentions, followed ticket changes, finished exports, SLA alerts. It is idempotent when given a
`dedupe_key` (a task run twice finds the item it made) and pushes the new unread count live
after the commit.
"""

import logging

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage
from django.db import IntegrityError, transaction

from tickets.validators import one_line

from .live import publish_unread_on_commit
from .models import Notification

logger = logging.getLogger(__name__)


def notify(user, kind, title, *, body="", ticket=None, url="", dedupe_key=""):
    """Add an item to `user`'s Notification Center; returns (notification, created)."""
    if dedupe_key:
        existing = Notification.objects.filter(user=user, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                title=title[:200],
                body=body,
                ticket=ticket,
                url=url[:300],
                dedupe_key=dedupe_key[:120],
            )
    except IntegrityError:
        # The same item was made concurrently (a redelivered task): keep the first.
        return Notification.objects.get(user=user, dedupe_key=dedupe_key), False
    publish_unread_on_commit(user.pk, notification)
    return notification, True


def absolute_url(path):
    """A link for an email: the site's base URL (HELPDESK_BASE_URL) and a path."""
    return settings.HELPDESK_BASE_URL.rstrip("/") + path


def email_user(user, subject, body, *, attachments=(), headers=None):
    """Email an agent; False when it cannot be sent to them at all.

    A temporary failure (the mail server) raises, so a task can retry. An address without which no
    message can be built (a line break in it) is logged and skipped, never retried; the subject is
    made a single line, whatever text went into it.
    """
    if not user.email:
        logger.info("Not emailing %s: no address", user.get_username())
        return False
    message = EmailMessage(one_line(subject), body, to=[user.email], headers=headers or {})
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    try:
        message.send()
    except BadHeaderError as error:
        logger.warning("Not emailing %s: %s", user.get_username(), error)
        return False
    return True
