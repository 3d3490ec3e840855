from django.urls import path

from . import views
from .views import open_tabs, sidebar

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="ticket_list"),
    path("new/", views.ticket_create, name="ticket_create"),
    path("bulk/", views.ticket_bulk, name="ticket_bulk"),
    path("counts/", views.ticket_counts, name="ticket_counts"),
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
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
]
