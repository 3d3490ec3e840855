"""The rights table: every URL and WebSocket route, and the right it needs (SPEC R1–R3).

`RightsMiddleware` looks each request's route up here before the view runs; a route without an
entry is refused for everyone, so a new page is closed until someone decides who may open it. The
WebSocket consumers take their right from `WEBSOCKET_ROUTES`. Views and actions check again where
a change is made (tickets/access.py: `require_right`); this table is the gate, not the only check.

tests/unit/test_permission_matrix.py walks every route against every persona, and fails for a
route that has no entry here.
"""

from tickets.access import (
    BULK_EDIT,
    CREATE_VIEWS,
    EXPORT,
    IMPORT,
    MANAGE_CONFIGURATIONS,
    WORK,
)

PUBLIC = "public"  # anyone, signed in or not (the sign-in page, providers' webhooks)
SIGNED_IN = "signed in"  # any signed-in user, with a role or without (sign out, the home redirect)
ADMIN_SITE = "admin site"  # Django admin: its own staff and model permission checks apply

_TICKETS = {
    "ticket_list": WORK,
    "ticket_create": WORK,
    "ticket_bulk": BULK_EDIT,
    "ticket_counts": WORK,
    "ticket_detail": WORK,
    "ticket_form": WORK,
    "ticket_sub_status": WORK,
    "ticket_print": WORK,
    "panel_ratio": WORK,
    "ticket_peek": WORK,
    "open_tab_add": WORK,
    "open_tab_close": WORK,
    "open_tabs_reorder": WORK,
    "view_panel": CREATE_VIEWS,
    "view_create": CREATE_VIEWS,
    "views_layout": WORK,
    "folder_create": CREATE_VIEWS,
    "view_add": CREATE_VIEWS,
    "view_edit": CREATE_VIEWS,
    "view_delete": CREATE_VIEWS,
    "scheme_save": WORK,
    "scheme_delete": WORK,
    "tag_add": WORK,
    "tag_remove": WORK,
    "link_search": WORK,
    "link_add": WORK,
    "link_remove": WORK,
    "ticket_archive": WORK,
    "ticket_unarchive": WORK,
    "attachment_upload": WORK,
    "attachment_download": WORK,
    "attachment_delete": WORK,
    "ticket_activities": WORK,
    "note_add": WORK,
    "note_detail": WORK,
    "note_edit": WORK,
    "note_delete": WORK,
    "mention_suggestions": WORK,
    "sms_compose": WORK,
    "call_log": WORK,
    "activity_detail": WORK,
    "activity_print": WORK,
    "activity_comment": WORK,
    "activity_child": WORK,
    "activity_move": WORK,
    "activity_move_search": WORK,
    "ticket_history": WORK,
    "ticket_as_it_is": WORK,
    "ticket_as_it_was": WORK,
    "export_start": EXPORT,
    "export_progress": EXPORT,
    "export_download": EXPORT,
    "import_upload": IMPORT,
    "import_template": IMPORT,
    "import_template_csv": IMPORT,
    "import_detail": IMPORT,
    "import_confirm": IMPORT,
    "import_cancel": IMPORT,
}

_NOTIFICATIONS = {
    "notification_list": WORK,
    "notification_unread": WORK,
    "notification_read_all": WORK,
    "notification_open": WORK,
    "notification_read": WORK,
}


def _configurations():
    from configurations.sections import SECTIONS

    names = ["overview", "substatus_reorder", "calendar_detail", "hours_create", "hours_edit", "hours_delete",
             "holiday_create", "holiday_edit", "holiday_delete"]
    for section in SECTIONS.values():
        names += [f"{section.name}_{action}" for action in ("list", "create", "edit", "delete")]
    return dict.fromkeys(names, MANAGE_CONFIGURATIONS)


# The ticket page's views of an email (mail/urls.py), under /tickets/<id>/emails/.
_MAIL = {
    "email_original": WORK,
    "email_original_download": WORK,
    "email_move": WORK,
    "email_dismiss": WORK,
    "email_draft": WORK,
    "email_compose": WORK,
    "email_draft_save": WORK,
    "email_draft_discard": WORK,
    "email_draft_upload": WORK,
    "email_draft_file_remove": WORK,
    "email_template_apply": WORK,
    "email_send": WORK,
    "email_item": WORK,
    "email_undo": WORK,
}


# Providers' inbound webhooks (mail/webhook_urls.py): open to the providers, which sign in with the
# webhook's own credentials (basic auth, Mailgun's signature), checked by the view.
_MAIL_WEBHOOKS = {
    "postmark_inbound": PUBLIC,
    "mailgun_inbound": PUBLIC,
    "mailgun_inbound_mime": PUBLIC,
}


def url_rights():
    """{view name: right} for every named URL outside Django admin."""
    return {
        "home": SIGNED_IN,
        "login": PUBLIC,
        "logout": SIGNED_IN,
        **{f"tickets:{name}": right for name, right in _TICKETS.items()},
        **{f"notifications:{name}": right for name, right in _NOTIFICATIONS.items()},
        **{f"mail:{name}": right for name, right in _MAIL.items()},
        **{f"mail_webhooks:{name}": right for name, right in _MAIL_WEBHOOKS.items()},
        **{f"configurations:{name}": right for name, right in _configurations().items()},
        # One's own background delete: started with the right to delete it (a configuration, or a
        # contact or person in Django admin), followed from the Notification Center.
        "configurations:removal_detail": SIGNED_IN,
    }


# route (as written in tickets/routing.py) -> the right a connection needs
WEBSOCKET_ROUTES = {
    "ws/tickets/": WORK,
    "ws/tickets/<int:ticket_id>/": WORK,
    "ws/notifications/": WORK,
}
