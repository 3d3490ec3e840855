from django.contrib import admin

from .models import InboundEmail, Mailbox

admin.site.register(Mailbox)
admin.site.register(InboundEmail)
