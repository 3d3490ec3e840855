from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (`manage.py seed_demo`), kept apart from the product code."""

    name = "demo"
    verbose_name = "Demo data"
