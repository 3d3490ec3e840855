from django.urls import path

from . import views

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
]
