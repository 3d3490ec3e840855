"""`manage.py seed_demo`: demo data for a contact centre, or `--tickets N` more for benchmarks.

The data and the logic live in the demo package; this command only parses the options.
"""

from django.core.management.base import BaseCommand, CommandError

from demo.builder import seed_demo
from demo.bulk import seed_bulk


class Command(BaseCommand):
    help = (
        "Create realistic demo data (users with password \"demo\", configuration, customers, ~300 tickets "
        "made through the actions). Does nothing when demo data is already present. With --tickets N, "
        "add N tickets with bulk inserts for benchmarks (creating the demo data first if missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tickets",
            type=int,
            metavar="N",
            help="Add N benchmark tickets with bulk inserts (COPY on PostgreSQL), e.g. 1000000.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=10000,
            metavar="N",
            help="Tickets per bulk batch (default 10000).",
        )

    def handle(self, *args, tickets=None, batch_size=10000, **options):
        out = self.stdout.write
        if tickets is None:
            seed_demo(out)
            return
        if tickets < 1:
            raise CommandError("--tickets needs a positive number.")
        if batch_size < 1:
            raise CommandError("--batch-size needs a positive number.")
        seed_bulk(tickets, out, batch_size=batch_size)
