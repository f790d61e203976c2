"""Slack emulator: a fake Slack Web API plus a client acting as Slack users toward the bot.

emulator = SlackEmulator()
async with serve_emulator(emulator):
    web = AsyncWebClient(token=emulator.bot_token, base_url=emulator.api_url)
    users = SlackUserClient(emulator, "http://127.0.0.1:3000/slack/events", signing_secret)
"""

from .client import ActingUser, BotReply, InvalidBotResponse, SlackUserClient
from .elements import EmulatorUsageError
from .emulator import SlackEmulator, serve_emulator
from .state import Channel, Message, SlackError, UploadedFile, User, View, Workspace
from .webapi import ApiCall

__all__ = [
    "ActingUser",
    "ApiCall",
    "BotReply",
    "Channel",
    "EmulatorUsageError",
    "InvalidBotResponse",
    "Message",
    "SlackEmulator",
    "SlackError",
    "SlackUserClient",
    "UploadedFile",
    "User",
    "View",
    "Workspace",
    "serve_emulator",
]
