"""The Notification Center (SPEC N1): list, open, mark read, mark all read, and the unread count."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .live import publish_unread_on_commit, unread_count
from .models import Notification

PAGE_SIZE = 100


def _own(request, pk):
    # Another person's notification is "not found", never "forbidden": ids are not disclosed.
    return get_object_or_404(Notification, pk=pk, user=request.user)


def notification_list(request):
    show = request.GET.get("show", "")
    notifications = Notification.objects.filter(user=request.user).select_related("ticket")
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/notification_list.html",
        {"notifications": notifications[:PAGE_SIZE], "show": show},
    )


def notification_open(request, pk):
    """Follow a notification to what it is about, marking it read on the way."""
    notification = _own(request, pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
        publish_unread_on_commit(request.user.pk)
    target = notification.url or (notification.ticket.get_absolute_url() if notification.ticket else "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:notification_list")
    return redirect(target)


@require_POST
def notification_read(request, pk):
    notification = _own(request, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        publish_unread_on_commit(request.user.pk)
    if request.htmx:
        return render(
            request,
            "notifications/notification_list.html#notification-item",
            {"notification": notification, "oob_count": True},
        )
    return redirect("notifications:notification_list")


@require_POST
def notification_read_all(request):
    marked = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        publish_unread_on_commit(request.user.pk)
        messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read.")
    else:
        messages.info(request, "Nothing unread.")
    back = request.POST.get("next", "")
    if not back or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:notification_list")  # only ever back to a page of this site
    return redirect(back)


def notification_unread(request):
    """The unread count for the bell, polled where no live channel reaches the browser."""
    latest = (
        Notification.objects.filter(user=request.user, read_at__isnull=True)
        .order_by("-created_at", "-id")
        .values("id", "title")
        .first()
    )
    return JsonResponse({"unread": unread_count(request.user.pk), "latest": latest})
