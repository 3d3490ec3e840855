from django.shortcuts import render

from .models import Notification


def notification_list(request):
    notifications = Notification.objects.filter(user=request.user).select_related("ticket")[:100]
    return render(request, "notifications/notification_list.html", {"notifications": notifications})
