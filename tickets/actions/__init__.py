"""Every change to a ticket goes through these functions (DESIGN: the actions layer).

Views, admin, import, email ingestion and Celery tasks call them; nothing else writes ticket
rows. Each one takes the acting user first, enforces its rule, changes the ticket in one
transaction with the row locked, bumps `version`, writes exactly one history event per ticket it
changes, and publishes the live event after the commit. A refused change raises TicketRuleError.
"""

from .activities import comment_on_activity, create_child_ticket, move_activity
from .attachments import attach_files, remove_attachment
from .background import without_background_work
from .base import TicketConflict, TicketRuleError
from .bookkeeping import add_time_spent, claim_sla_risk_alert
from .bulk import BULK_ACTIONS, bulk_apply
from .conversations import log_call, send_sms
from .detach import detach_from_ticket, is_detachable, run_removal, start_removal, tickets_using
from .fields import (
    EDITABLE_FIELDS,
    UNSET,
    assign,
    change_status,
    change_sub_status,
    create_ticket,
    reopen_when_due,
    unassign,
    update_ticket,
)
from .inbound import (
    add_email,
    create_ticket_from_email,
    dismiss_thread_suggestion,
    move_email,
    record_bounce,
)
from .messages import claim_substatus_notification
from .notes import add_note, delete_note, edit_note
from .outbound import OutgoingEmail, send_email, undo_email
from .relations import (
    add_tag,
    archive,
    follow,
    link_tickets,
    remove_tag,
    set_parent,
    unarchive,
    unfollow,
    unlink_tickets,
)
from .removal import delete_ticket

__all__ = [
    "BULK_ACTIONS",
    "EDITABLE_FIELDS",
    "OutgoingEmail",
    "UNSET",
    "TicketConflict",
    "TicketRuleError",
    "add_email",
    "add_note",
    "add_tag",
    "add_time_spent",
    "archive",
    "attach_files",
    "bulk_apply",
    "claim_sla_risk_alert",
    "claim_substatus_notification",
    "comment_on_activity",
    "create_child_ticket",
    "assign",
    "change_status",
    "change_sub_status",
    "create_ticket",
    "create_ticket_from_email",
    "delete_note",
    "delete_ticket",
    "detach_from_ticket",
    "dismiss_thread_suggestion",
    "edit_note",
    "follow",
    "is_detachable",
    "link_tickets",
    "log_call",
    "move_activity",
    "move_email",
    "record_bounce",
    "remove_attachment",
    "remove_tag",
    "reopen_when_due",
    "send_email",
    "run_removal",
    "send_sms",
    "set_parent",
    "start_removal",
    "tickets_using",
    "unarchive",
    "undo_email",
    "unassign",
    "unfollow",
    "unlink_tickets",
    "update_ticket",
    "without_background_work",
]
