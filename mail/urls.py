from django.urls import path

from . import compose_views, views

app_name = "mail"

urlpatterns = [
    path("<int:pk>/emails/<int:activity_pk>/original/", views.email_original, name="email_original"),
    path(
        "<int:pk>/emails/<int:activity_pk>/original.eml",
        views.email_original_download,
        name="email_original_download",
    ),
    path("<int:pk>/emails/<int:activity_pk>/move/", views.email_move, name="email_move"),
    path("<int:pk>/emails/<int:activity_pk>/dismiss/", views.email_dismiss, name="email_dismiss"),
    # Writing and sending email from the ticket (SPEC D14, D6, B2): mail/compose_views.py.
    path("<int:pk>/emails/draft/", compose_views.email_draft, name="email_draft"),
    path("<int:pk>/emails/compose/", compose_views.email_compose, name="email_compose"),
    path("<int:pk>/emails/draft/save/", compose_views.email_draft_save, name="email_draft_save"),
    path("<int:pk>/emails/draft/discard/", compose_views.email_draft_discard, name="email_draft_discard"),
    path("<int:pk>/emails/draft/files/", compose_views.email_draft_upload, name="email_draft_upload"),
    path(
        "<int:pk>/emails/draft/files/<int:file_pk>/remove/",
        compose_views.email_draft_file_remove,
        name="email_draft_file_remove",
    ),
    path("<int:pk>/emails/draft/template/", compose_views.email_template_apply, name="email_template_apply"),
    path("<int:pk>/emails/send/", compose_views.email_send, name="email_send"),
    path("<int:pk>/emails/<int:activity_pk>/", compose_views.email_item, name="email_item"),
    path("<int:pk>/emails/<int:activity_pk>/undo/", compose_views.email_undo, name="email_undo"),
]
