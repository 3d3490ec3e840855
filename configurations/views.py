"""The Configurations area for team leaders (SPEC C1, R3).

Every section lists, creates, edits and deletes through the same four generic views, driven by a
`Section` (sections.py); working hours and holidays live on their calendar's page. Every view needs
`tickets.manage_configurations` (the rights table, tickets_site/rights.py), and services.py checks
it again where a change is saved. Bad input re-renders the form with its messages (HTTP 422) and
nothing is saved; deletes are POSTs after a confirmation page, which offers a replacement for
what tickets use; a delete that would change many tickets runs in the background with progress.
"""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from tickets.actions import TicketRuleError, tickets_using
from tickets.models import Removal, TicketView

from . import forms, services
from .models import Holiday, Status, SubStatus, WorkingCalendar, WorkingHours
from .sections import SECTIONS

INVALID = 422


def _section(key):
    try:
        return SECTIONS[key]
    except KeyError:
        raise Http404 from None


def _nav(current=None):
    """The sections with their counts, for the side navigation."""
    counts = {key: section.model.objects.count() for key, section in SECTIONS.items()}
    counts["team-views"] = TicketView.objects.filter(is_team_view=True).count()
    return [
        {"key": key, "title": section.title, "description": section.description, "count": counts[key],
         "url": section.url("list"), "current": key == current}
        for key, section in SECTIONS.items()
    ]


def _render(request, template, context, *, section=None, status=200):
    context = {"nav": _nav(section.key if section else None), "section": section, **context}
    return render(request, template, context, status=status)


def _save(request, form, *, lock_model=None):
    return services.save_form(request.user, form, lock_model=lock_model)


# --- the generic section views --------------------------------------------------------------------

def overview(request):
    """The sections team leaders configure (SPEC C1)."""
    return _render(request, "configurations/overview.html", {})


def section_list(request, section):
    section = _section(section)
    context = {"objects": section.objects()}
    if section.key == "tags":
        context["tag_limit"] = settings.HELPDESK_TAGS_PER_COMPANY
    if section.key == "sub-statuses":
        context["columns"] = [
            {"status": status, "subs": [sub for sub in context["objects"] if sub.status == status.value]}
            for status in Status
        ]
        context["max_per_status"] = SubStatus.MAX_PER_STATUS
    return _render(request, f"configurations/{section.key.replace('-', '_')}.html", context, section=section)


def _form_page(request, section, instance, *, creating):
    form = section.form_class(request.POST or None, instance=instance)
    if request.method == "POST":
        saved = _save(request, form, lock_model=section.model if section.lock else None)
        if saved is not None:
            verb = "added" if creating else "saved"
            messages.success(request, f"{section.singular.capitalize()} “{saved}” {verb}.")
            return redirect(section.success_url(saved) if section.success_url else section.url("list"))
    context = {
        "form": form,
        "object": None if creating else instance,
        "heading": f"New {section.singular}" if creating else f"Edit {section.singular}",
        "cancel_url": section.url("list"),
        "action_url": request.get_full_path(),
    }
    if section.key == "calendars":
        context["timezones"] = sorted(zoneinfo.available_timezones())
    status = INVALID if request.method == "POST" else 200
    return _render(request, "configurations/form.html", context, section=section, status=status)


def section_create(request, section):
    section = _section(section)
    instance = section.new_instance(request) if section.new_instance else section.model()
    return _form_page(request, section, instance, creating=True)


def _get(section, pk):
    return get_object_or_404(section.objects() if section.key == "team-views" else section.model, pk=pk)


def section_edit(request, section, pk):
    section = _section(section)
    return _form_page(request, section, _get(section, pk), creating=False)


def _replacement(request, choices):
    value = request.POST.get("replacement", "")
    if choices is None or not value.isdigit():
        return None
    return choices.filter(pk=int(value)).first()


def _confirm_delete(request, obj, *, section, singular, back_url, effect="", blocker=""):
    """GET: the confirmation page. POST: delete (at once, or in the background), or explain why not (409)."""
    choices = services.replacement_choices(obj)
    error = ""
    if request.method == "POST" and not blocker:
        label = str(obj)
        try:
            removal, changed = services.delete_configuration(request.user, obj, _replacement(request, choices))
        except ProtectedError:
            blocker = f"This {singular} is still in use, so it cannot be deleted."
        except TicketRuleError as refused:
            error = refused.message
        else:
            if removal is not None:
                messages.info(request, f"Deleting {singular} “{label}”: its {removal.tickets_total:,} tickets are "
                                       "being changed in the background.")
                return redirect("configurations:removal_detail", removal.pk)
            text = f"{singular.capitalize()} “{label}” deleted."
            if changed:
                text += f" {changed:,} ticket{'s' if changed != 1 else ''} changed, each in its history."
            messages.success(request, text)
            return redirect(back_url)
    in_use = choices is not None and not blocker and tickets_using(obj).exists()
    context = {"object": obj, "singular": singular, "effect": effect, "blocker": blocker, "cancel_url": back_url,
               "action_url": request.get_full_path(), "replacements": choices if in_use else None, "error": error}
    status = (409 if blocker else INVALID) if request.method == "POST" else 200
    return _render(request, "configurations/confirm_delete.html", context, section=section, status=status)


def section_delete(request, section, pk):
    section = _section(section)
    obj = _get(section, pk)
    return _confirm_delete(
        request, obj, section=section, singular=section.singular, back_url=section.url("list"),
        effect=section.delete_effect(obj) if section.delete_effect else "",
        blocker=section.delete_blocker(obj) if section.delete_blocker else "",
    )


# --- sub-status order ------------------------------------------------------------------------------

@require_POST
def substatus_reorder(request):
    """Store one status's sub-status order, sent once after a drag and drop (SPEC T2)."""
    try:
        ids = [int(pk) for pk in request.POST.getlist("order")]
        services.reorder_substatuses(request.user, request.POST.get("status", ""), ids)
    except (ValueError, ValidationError) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else "The order could not be read."
        return JsonResponse({"error": text}, status=INVALID)
    return HttpResponse(status=204)


# --- a calendar's working hours and holidays --------------------------------------------------------

CALENDARS = SECTIONS["calendars"]


def _calendar_page(request, calendar, *, hours_form=None, holiday_form=None, status=200):
    context = {
        "calendar": calendar,
        "hours": calendar.hours.all(),
        "holidays": calendar.holidays.all(),
        "hours_form": hours_form or forms.WorkingHoursForm(prefix="hours"),
        "holiday_form": holiday_form or forms.HolidayForm(prefix="holiday"),
    }
    return _render(request, "configurations/calendar_detail.html", context, section=CALENDARS, status=status)


def calendar_detail(request, pk):
    return _calendar_page(request, get_object_or_404(WorkingCalendar, pk=pk))


@require_POST
def hours_create(request, calendar_pk):
    calendar = get_object_or_404(WorkingCalendar, pk=calendar_pk)
    form = forms.WorkingHoursForm(request.POST, prefix="hours", instance=WorkingHours(calendar=calendar))
    if _save(request, form, lock_model=WorkingHours) is None:
        return _calendar_page(request, calendar, hours_form=form, status=INVALID)
    messages.success(request, f"Working hours {form.instance} added.")
    return redirect("configurations:calendar_detail", calendar.pk)


@require_POST
def holiday_create(request, calendar_pk):
    calendar = get_object_or_404(WorkingCalendar, pk=calendar_pk)
    form = forms.HolidayForm(request.POST, prefix="holiday", instance=Holiday(calendar=calendar))
    if _save(request, form) is None:
        return _calendar_page(request, calendar, holiday_form=form, status=INVALID)
    messages.success(request, f"Holiday {form.instance} added.")
    return redirect("configurations:calendar_detail", calendar.pk)


def _calendar_child_form(request, obj, form_class, heading, *, lock_model=None):
    calendar_url = reverse("configurations:calendar_detail", args=[obj.calendar_id])
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST":
        if _save(request, form, lock_model=lock_model) is not None:
            messages.success(request, f"{heading} saved.")
            return redirect(calendar_url)
    context = {"form": form, "object": obj, "heading": f"Edit {heading.lower()} · {obj.calendar}",
               "cancel_url": calendar_url, "action_url": request.get_full_path()}
    status = INVALID if request.method == "POST" else 200
    return _render(request, "configurations/form.html", context, section=CALENDARS, status=status)


def hours_edit(request, pk):
    hours = get_object_or_404(WorkingHours.objects.select_related("calendar"), pk=pk)
    return _calendar_child_form(request, hours, forms.WorkingHoursForm, "Working hours", lock_model=WorkingHours)


def holiday_edit(request, pk):
    holiday = get_object_or_404(Holiday.objects.select_related("calendar"), pk=pk)
    return _calendar_child_form(request, holiday, forms.HolidayForm, "Holiday")


def hours_delete(request, pk):
    hours = get_object_or_404(WorkingHours.objects.select_related("calendar"), pk=pk)
    back = reverse("configurations:calendar_detail", args=[hours.calendar_id])
    return _confirm_delete(request, hours, section=CALENDARS, singular="working hours", back_url=back)


def holiday_delete(request, pk):
    holiday = get_object_or_404(Holiday.objects.select_related("calendar"), pk=pk)
    back = reverse("configurations:calendar_detail", args=[holiday.calendar_id])
    return _confirm_delete(request, holiday, section=CALENDARS, singular="holiday", back_url=back)



# --- deletes that run in the background -------------------------------------------------------------

@require_GET
@vary_on_headers("HX-Request")
def removal_detail(request, pk):
    """The progress of one of the user's background deletes; polled by the page until it is done."""
    removal = get_object_or_404(Removal.objects.select_related("content_type"), pk=pk, user=request.user)
    template = "configurations/removal.html#removal-progress" if request.htmx else "configurations/removal.html"
    model = removal.content_type.model_class()
    section = next((section for section in SECTIONS.values() if section.model is model), None)
    context = {"removal": removal, "back_url": section.url("list") if section else None}
    return _render(request, template, context, section=section)
