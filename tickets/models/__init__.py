from .activities import Activity, Attachment
from .customers import Account, Contact
from .history import TicketEvent
from .preferences import UserPreference
from .tickets import CustomFieldValue, Ticket, TicketLink

__all__ = [
    "Account",
    "Activity",
    "Attachment",
    "Contact",
    "CustomFieldValue",
    "Ticket",
    "TicketEvent",
    "TicketLink",
    "UserPreference",
]
