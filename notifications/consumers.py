"""The Notification Center's live channel: the bell's unread count, pushed to the signed-in user."""

from tickets.consumers import GuardedConsumer

from .live import user_group


class NotificationConsumer(GuardedConsumer):
    async def connect(self):
        if await self.refuse_unless_allowed():
            return
        user = self.scope["user"]
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_update(self, message):
        if await self.still_allowed():
            await self.send_json(message["payload"])
