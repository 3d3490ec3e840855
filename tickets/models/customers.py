from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper

from ..validators import validate_single_line

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{6,20}$", "Enter a phone number of 6 to 20 digits, optionally starting with +."
)


class Account(models.Model):
    """A customer organisation; its own SLA overrides the category's (SPEC T8, T11)."""

    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, validators=[phone_validator])
    sla_policy = models.ForeignKey(
        "configurations.SLAPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A customer person. Deleting or anonymising one never deletes tickets (SPEC T11)."""

    name = models.CharField(max_length=200, validators=[validate_single_line])
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True, validators=[phone_validator])
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")

    class Meta:
        ordering = ["name"]
        # An email's sender is found by address whatever its case (SPEC D13): one index probe.
        indexes = [models.Index(Upper("email"), name="contact_email_upper")]

    def __str__(self):
        return self.name
