"""`/campaign reminders [<slug>]`: reminders that failed or are late, for admins and managers."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import Block

from bot.domain.enums import Role
from bot.domain.permissions import Act
from bot.errors import NotPermitted
from bot.flows.access import campaign_for, is_brand_admin, known_email
from bot.services import Services
from bot.views import reminders as views
from storage.queries import campaigns as campaign_q
from storage.queries import reminders as q

#: A pending reminder this far past its due time is listed as late (the dispatcher is behind,
#: or Slack keeps failing and it is waiting for its next attempt).
LATE_AFTER = timedelta(minutes=10)


async def troubled(svc: Services, team_id: str, user_id: str, slug: str | None) -> list[Block]:
    now = svc.clock.now()
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        if slug:
            campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id, Act.SEE_REMINDERS)
            campaign_ids: list[int] | None = [campaign.id]
            scope = f"on `{campaign.slug}`"
        elif await is_brand_admin(s, svc.directory, team_id, user_id):
            campaign_ids, scope = None, "in this workspace"
        else:
            email = known_email(svc.directory, user_id)
            campaign_ids = list(
                (await s.exec(campaign_q.brand_campaigns(team_id, user_id, [Role.MANAGER], email)))
                .scalars()
                .all()
            )
            if not campaign_ids:
                raise NotPermitted(Act.SEE_REMINDERS.value, [Role.ADMIN, Role.MANAGER])
            scope = "on the campaigns you manage"
        rows, total = await q.troubled(s, team_id, now, LATE_AFTER, campaign_ids)
    return views.reminder_list(rows, total, scope, now)
