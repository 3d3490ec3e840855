"""The mailbox form, shared by Configurations and Django admin (SPEC T7, D13)."""

from django import forms

from .models import Mailbox


class MailboxForm(forms.ModelForm):
    """A mailbox's settings. The IMAP password is write-only: never shown back, kept when left empty."""

    imap_password = forms.CharField(
        label="IMAP password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the saved password.",
    )
    clear_password = forms.BooleanField(label="Remove the saved password", required=False)

    class Meta:
        model = Mailbox
        fields = [
            "name", "address", "category", "team", "header_threading", "is_active", "signature",
            "imap_host", "imap_port", "imap_security", "imap_user", "imap_password", "imap_folder",
        ]
        help_texts = {
            "imap_host": "Empty when mail arrives by a provider's webhook or from files instead.",
            "signature": "Plain text added below every email agents send from this mailbox.",
        }
        widgets = {"signature": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.imap_password):
            self.fields.pop("clear_password")
            self.fields["imap_password"].help_text = ""
        else:
            self.fields["imap_password"].help_text = "A password is saved. Leave empty to keep it."

    def clean_address(self):
        return self.cleaned_data["address"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        host = (cleaned.get("imap_host") or "").strip()
        if host and not (cleaned.get("imap_user") or "").strip():
            self.add_error("imap_user", "Give the IMAP user name to log in with.")
        has_password = cleaned.get("imap_password") or (
            self.instance.imap_password and not cleaned.get("clear_password")
        )
        if host and not has_password:
            self.add_error("imap_password", "Give the IMAP password.")
        return cleaned

    def save(self, commit=True):
        mailbox = super().save(commit=False)
        new_password = self.cleaned_data.get("imap_password")
        if new_password:
            mailbox.imap_password = new_password
        elif self.cleaned_data.get("clear_password"):
            mailbox.imap_password = ""  # nosec B105 - clearing the stored password, not setting one
        else:
            saved = Mailbox.objects.filter(pk=mailbox.pk).values_list("imap_password", flat=True).first()
            mailbox.imap_password = saved or ""
        if commit:
            mailbox.save()
        return mailbox
