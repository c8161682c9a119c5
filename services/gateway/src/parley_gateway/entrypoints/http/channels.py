"""``/api/channels``: admins manage channels; agents read the channels open to them."""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody

from .dependencies import CurrentAccount, InjectedUseCases
from .schemas_channels import ChannelIn, ChannelOut
from .security import account_required, admin_required


class ChannelController(Controller):
    path = "/channels"
    tags = ("channels",)
    guards = (account_required,)

    @get("/")
    async def list_channels(
        self, account: CurrentAccount, uc: InjectedUseCases
    ) -> list[ChannelOut]:
        """Admins: every channel, with secrets. Agents: the channels of their groups."""
        channels = await uc.channels.visible_to(account)
        return [ChannelOut.of(c, with_secret=account.is_admin) for c in channels]

    @get("/{channel_id:str}")
    async def get_channel(
        self, channel_id: FromPath[str], account: CurrentAccount, uc: InjectedUseCases
    ) -> ChannelOut:
        channel = await uc.channels.get(account, channel_id)
        return ChannelOut.of(channel, with_secret=account.is_admin)

    @post("/", guards=[admin_required])
    async def create_channel(self, data: JSONBody[ChannelIn], uc: InjectedUseCases) -> ChannelOut:
        """400 names the field: an origin that is not one, a regex that does not compile, ..."""
        return ChannelOut.of(await uc.channels.create(data.settings()), with_secret=True)

    @put("/{channel_id:str}", guards=[admin_required])
    async def replace_channel(
        self, channel_id: FromPath[str], data: JSONBody[ChannelIn], uc: InjectedUseCases
    ) -> ChannelOut:
        channel = await uc.channels.update(channel_id, data.settings())
        return ChannelOut.of(channel, with_secret=True)

    @post("/{channel_id:str}/secret", guards=[admin_required], status_code=200)
    async def rotate_secret(self, channel_id: FromPath[str], uc: InjectedUseCases) -> ChannelOut:
        """A new secret for customer tokens; tokens signed with the old one stop working."""
        return ChannelOut.of(await uc.channels.rotate_secret(channel_id), with_secret=True)

    @delete("/{channel_id:str}", guards=[admin_required])
    async def delete_channel(self, channel_id: FromPath[str], uc: InjectedUseCases) -> None:
        """409 for the default channel."""
        await uc.channels.delete(channel_id)
