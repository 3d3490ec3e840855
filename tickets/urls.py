from django.urls import path

from . import views
from .views import (
    activity_actions,
    attachments,
    conversations,
    exports,
    history,
    imports,
    notes,
    open_tabs,
    relations,
    sidebar,
    ticket_form,
)

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("bulk/", views.ticket_bulk, name="ticket_bulk"),
    path("counts/", views.ticket_counts, name="ticket_counts"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/form/", ticket_form.ticket_form, name="ticket_form"),
    path("<int:pk>/sub-status/", ticket_form.ticket_sub_status, name="ticket_sub_status"),
    path("<int:pk>/print/", ticket_form.ticket_print, name="ticket_print"),
    path("panel-ratio/", ticket_form.panel_ratio, name="panel_ratio"),
    # Open ticket tabs and peek (SPEC L9): tickets/views/open_tabs.py.
    path("<int:pk>/peek/", open_tabs.ticket_peek, name="ticket_peek"),
    path("<int:pk>/open-tab/", open_tabs.open_tab_add, name="open_tab_add"),
    path("<int:pk>/close-tab/", open_tabs.open_tab_close, name="open_tab_close"),
    path("open-tabs/order/", open_tabs.open_tabs_reorder, name="open_tabs_reorder"),
    # Views sidebar and filter schemes (SPEC L7, L8): tickets/views/sidebar.py.
    path("views/panel/", sidebar.view_panel, name="view_panel"),
    path("views/new/", sidebar.view_create, name="view_create"),
    path("views/layout/", sidebar.views_layout, name="views_layout"),
    path("views/folders/new/", sidebar.folder_create, name="folder_create"),
    path("views/<int:pk>/add/", sidebar.view_add, name="view_add"),
    path("views/<int:pk>/edit/", sidebar.view_edit, name="view_edit"),
    path("views/<int:pk>/delete/", sidebar.view_delete, name="view_delete"),
    path("schemes/save/", sidebar.scheme_save, name="scheme_save"),
    path("schemes/<int:pk>/delete/", sidebar.scheme_delete, name="scheme_delete"),
    # Tags, linked tickets, archiving (SPEC T4, T5, T6, D8): tickets/views/relations.py.
    path("<int:pk>/tags/add/", relations.tag_add, name="tag_add"),
    path("<int:pk>/tags/<int:tag_pk>/remove/", relations.tag_remove, name="tag_remove"),
    path("<int:pk>/links/search/", relations.link_search, name="link_search"),
    path("<int:pk>/links/add/", relations.link_add, name="link_add"),
    path("<int:pk>/links/<int:other_pk>/remove/", relations.link_remove, name="link_remove"),
    path("<int:pk>/archive/", relations.ticket_archive, name="ticket_archive"),
    path("<int:pk>/unarchive/", relations.ticket_unarchive, name="ticket_unarchive"),
    # Attachments (SPEC D10): tickets/views/attachments.py.
    path("<int:pk>/attachments/", attachments.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", attachments.attachment_download, name="attachment_download"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
    # Activities, notes and history (SPEC D5, D6, D7): tickets/views/notes.py, tickets/views/history.py.
    path("<int:pk>/activities/", notes.ticket_activities, name="ticket_activities"),
    path("<int:pk>/notes/", notes.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_id>/", notes.note_detail, name="note_detail"),
    path("<int:pk>/notes/<int:note_id>/edit/", notes.note_edit, name="note_edit"),
    path("<int:pk>/notes/<int:note_id>/delete/", notes.note_delete, name="note_delete"),
    path("mentions/", notes.mention_suggestions, name="mention_suggestions"),
    # SMS and calls from the ticket (SPEC D14): tickets/views/conversations.py.
    path("<int:pk>/sms/", conversations.sms_compose, name="sms_compose"),
    path("<int:pk>/calls/", conversations.call_log, name="call_log"),
    # Each activity's actions (SPEC D6): tickets/views/activity_actions.py.
    path("<int:pk>/activities/<int:activity_pk>/", activity_actions.activity_detail, name="activity_detail"),
    path("<int:pk>/activities/<int:activity_pk>/print/", activity_actions.activity_print, name="activity_print"),
    path("<int:pk>/activities/<int:activity_pk>/comment/", activity_actions.activity_comment, name="activity_comment"),
    path("<int:pk>/activities/<int:activity_pk>/child/", activity_actions.activity_child, name="activity_child"),
    path("<int:pk>/activities/<int:activity_pk>/move/", activity_actions.activity_move, name="activity_move"),
    path(
        "<int:pk>/activities/<int:activity_pk>/move/search/",
        activity_actions.activity_move_search,
        name="activity_move_search",
    ),
    path("<int:pk>/history/", history.ticket_history, name="ticket_history"),
    path("<int:pk>/history/now/", history.ticket_as_it_is_view, name="ticket_as_it_is"),
    path("<int:pk>/history/<int:event_id>/as-it-was/", history.ticket_as_it_was_view, name="ticket_as_it_was"),
]

# Export (SPEC L11) and import (SPEC L12): tickets/views/exports.py, tickets/views/imports.py.
urlpatterns += exports.urlpatterns + imports.urlpatterns
