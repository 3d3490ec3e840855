"""Email as a customer channel (SPEC D13, D15, T7): mailboxes, and every message that comes in.

A message is stored raw first (`receiving.receive`: an `InboundEmail` row and the bytes in
storage), whichever door it came through (a file, IMAP, a provider's webhook); a Celery task then
processes it through the ticket actions. The row is the record, the task only a doorbell.
"""
