"""Bolt listeners by feature. Each listener is thin: parse, ack, hand the work to a flow."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import breach, campaign, deliverables, events, home, review


def register(app: AsyncApp, svc: Services) -> None:
    campaign.register(app, svc)
    deliverables.register(app, svc)
    breach.register(app, svc)
    review.register(app, svc)
    events.register(app, svc)
    home.register(app, svc)
