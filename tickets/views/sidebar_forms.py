"""Forms of the views sidebar and filter schemes (SPEC L7, L8): names unique per owner, clear messages."""

from django import forms

from ..models import FilterScheme, TicketView
from ..models.saved_views import NAME_MAX_LENGTH, QUERY_MAX_LENGTH

TOO_LONG = "These filters are too long to save; remove some and try again."
NAME_ERRORS = {
    "required": "Give it a name.",
    "max_length": f"Keep the name to {NAME_MAX_LENGTH} characters or fewer.",
}


class TicketViewForm(forms.ModelForm):
    """Name, visibility, folder; staff also choose "team view". A posted extra field changes nothing."""

    replace_query = forms.BooleanField(required=False, label="Use the current list's filters")

    class Meta:
        model = TicketView
        fields = ["name", "visibility", "is_folder", "is_team_view"]
        labels = {"is_folder": "Folder only", "is_team_view": "Team view"}
        widgets = {"visibility": forms.RadioSelect}

    def __init__(self, *args, user, query="", **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.query = user, query
        self.owner = self.instance.owner if self.instance.pk else user
        self.fields["name"].error_messages.update(NAME_ERRORS)
        self.fields["name"].widget.attrs.update(autocomplete="off", placeholder="e.g. Urgent for my team")
        self.fields["visibility"].choices = [
            ("private", "Private — only you"),
            ("shared", "Shared — others can add it to their views"),
        ]
        self.fields["visibility"].required = False  # left out: stays as it was (private for a new view)
        if not user.is_staff:
            del self.fields["is_team_view"]
        if self.instance.pk:
            del self.fields["is_folder"]  # a view stays a view, a folder a folder
            if self.instance.is_folder or query == self.instance.query:
                del self.fields["replace_query"]
        else:
            del self.fields["replace_query"]

    def clean_visibility(self):
        return self.cleaned_data["visibility"] or self.instance.visibility or TicketView.Visibility.PRIVATE

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = TicketView.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.filter(owner=self.owner).exists():
            raise forms.ValidationError(f"You already have a view named “{name}”. Choose another name.")
        return name

    def clean(self):
        data = super().clean()
        is_team_view = data.get("is_team_view", self.instance.is_team_view)
        is_folder = data.get("is_folder", self.instance.is_folder)
        name = data.get("name")
        if (not self.instance.pk or data.get("replace_query")) and len(self.query) > QUERY_MAX_LENGTH:
            raise forms.ValidationError(TOO_LONG)
        if is_team_view and is_folder:
            self.add_error("is_team_view", "A folder belongs to your own views; it cannot be a team view.")
        elif is_team_view and name:
            taken = TicketView.objects.filter(is_team_view=True, name__iexact=name).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("name", f"There is already a team view named “{name}”.")
        return data

    def _post_clean(self):
        view = self.instance
        if not view.pk:
            view.owner = self.owner
            view.query = self.query
        elif self.cleaned_data.get("replace_query"):
            view.query = self.query
        super()._post_clean()  # copies the fields and runs TicketView.clean (query cleaned, team → shared)


class FolderForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, error_messages=NAME_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if TicketView.objects.filter(owner=self.user, name__iexact=name).exists():
            raise forms.ValidationError(f"You already have a view or folder named “{name}”.")
        return name


class FilterSchemeForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX_LENGTH, error_messages=NAME_ERRORS)

    def __init__(self, *args, user, query="", **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.query = user, query

    def clean(self):
        if len(self.query) > QUERY_MAX_LENGTH:
            raise forms.ValidationError(TOO_LONG)
        return super().clean()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if FilterScheme.objects.filter(owner=self.user, name__iexact=name).exists():
            raise forms.ValidationError(f"You already have a filter scheme named “{name}”. Choose another name.")
        return name
