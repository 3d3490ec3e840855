"""The Notification Center's live channel: the bell's unread count, pushed to the signed-in user."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .live import user_group


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_update(self, message):
        await self.send_json(message["payload"])
