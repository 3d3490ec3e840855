from django.urls import path

from .views import ticket_list

urlpatterns = [path("bare/tickets/", ticket_list)]
