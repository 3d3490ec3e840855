from .detail import ticket_detail
from .list import ticket_bulk, ticket_counts, ticket_create, ticket_list

__all__ = ["ticket_bulk", "ticket_counts", "ticket_create", "ticket_detail", "ticket_list"]
