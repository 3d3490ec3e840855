from .activities import Activity, Attachment
from .customers import Account, Contact
from .history import TicketEvent
from .preferences import TicketVisit, UserPreference
from .presence import TicketPresence, WorkSession
from .saved_views import FilterScheme, MyViewEntry, TicketView
from .tickets import CustomFieldValue, Ticket, TicketLink
from .transfers import Removal, TicketExport, TicketImport

__all__ = [
    "Account",
    "Activity",
    "Attachment",
    "Contact",
    "CustomFieldValue",
    "FilterScheme",
    "MyViewEntry",
    "Removal",
    "Ticket",
    "TicketEvent",
    "TicketExport",
    "TicketImport",
    "TicketLink",
    "TicketPresence",
    "TicketVisit",
    "TicketView",
    "UserPreference",
    "WorkSession",
]
