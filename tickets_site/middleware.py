import json

from django.contrib.messages import get_messages


class HtmxMessagesMiddleware:
    """Hand Django messages to HTMX responses as an `HX-Trigger: messages` event, shown as toasts.

    Views only call django.contrib.messages; full pages render the same messages as toasts in
    base.html. Redirects keep their messages for the page they lead to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or 300 <= response.status_code < 400:
            return response
        if "HX-Redirect" in response or "HX-Location" in response:
            return response
        storage = get_messages(request)
        items = [{"message": str(message), "level": message.level_tag} for message in storage]
        if not items:
            return response
        triggers = {}
        if response.get("HX-Trigger"):
            try:
                triggers = json.loads(response["HX-Trigger"])
            except ValueError:
                triggers = {response["HX-Trigger"]: None}
        triggers["messages"] = items
        response["HX-Trigger"] = json.dumps(triggers)
        return response
