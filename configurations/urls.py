from django.urls import path

from . import views
from .sections import SECTIONS

app_name = "configurations"

urlpatterns = [path("", views.overview, name="overview")]

# Every section lists, creates, edits and deletes through the same four views (SPEC C1).
for key, section in SECTIONS.items():
    urlpatterns += [
        path(f"{key}/", views.section_list, {"section": key}, name=f"{section.name}_list"),
        path(f"{key}/new/", views.section_create, {"section": key}, name=f"{section.name}_create"),
        path(f"{key}/<int:pk>/edit/", views.section_edit, {"section": key}, name=f"{section.name}_edit"),
        path(f"{key}/<int:pk>/delete/", views.section_delete, {"section": key}, name=f"{section.name}_delete"),
    ]

urlpatterns += [
    path("sub-statuses/reorder/", views.substatus_reorder, name="substatus_reorder"),
    path("removals/<int:pk>/", views.removal_detail, name="removal_detail"),
    path("calendars/<int:pk>/", views.calendar_detail, name="calendar_detail"),
    path("calendars/<int:calendar_pk>/hours/new/", views.hours_create, name="hours_create"),
    path("calendars/hours/<int:pk>/edit/", views.hours_edit, name="hours_edit"),
    path("calendars/hours/<int:pk>/delete/", views.hours_delete, name="hours_delete"),
    path("calendars/<int:calendar_pk>/holidays/new/", views.holiday_create, name="holiday_create"),
    path("calendars/holidays/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("calendars/holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
