"""Reading incidents: list, show with timeline, CSV export."""

from __future__ import annotations

from bot.domain.enums import Role
from bot.domain.permissions import campaign_roles
from bot.errors import NotFound, NotPermitted
from bot.services import Services
from bot.views import export as export_views
from bot.views import incidents as views
from bot.views.text import esc, plural
from storage.queries import campaigns as campaign_q
from storage.queries import incidents as q
from storage.queries.incidents import IncidentContext

# ------------------------------------------------------------------------------------------------
# Reading: list, show, export


async def _visibility(svc: Services, user_id: str) -> bool:
    return await svc.directory.is_admin(user_id)


async def list_incidents(
    svc: Services, team_id: str, user_id: str, open_only: bool, slug: str | None
) -> list:
    is_admin = await _visibility(svc, user_id)
    async with svc.db.transaction() as s:
        if slug and await campaign_q.by_slug(s, team_id, slug) is None:
            raise NotFound(f":mag: No campaign `{esc(slug[:40])}` in this workspace.")
        rows, total = await q.visible(
            s, team_id, user_id, is_admin=is_admin, open_only=open_only, slug=slug, limit=40
        )
    return views.incident_list(rows, total, "open" if open_only else "all")


async def show_incident(svc: Services, team_id: str, user_id: str, number: int) -> list:
    async with svc.db.transaction() as s:
        ctx = await q.context_by_number(s, team_id, number)
        if ctx is None or not await _may_see(svc, s, ctx, user_id):
            raise NotFound(f":mag: No incident BR-{number} that you can see.")
        events = await q.timeline(s, ctx.incident.id)
    return views.incident_detail(ctx, events)


async def _may_see(svc: Services, s, ctx: IncidentContext, user_id: str) -> bool:
    if ctx.influencer.slack_user_id == user_id:
        return True
    granted = await campaign_q.granted_role(s, ctx.campaign.id, user_id)
    roles = campaign_roles(is_admin=False, granted=granted, is_influencer=False)
    return bool(roles) or await svc.directory.is_admin(user_id)


EXPORTERS = frozenset({Role.ADMIN, Role.MANAGER, Role.LEGAL})


async def export(svc: Services, team_id: str, user_id: str, slug: str | None) -> str:
    """A CSV of the incidents the user may export, uploaded to their DM with the bot."""
    is_admin = await svc.directory.is_admin(user_id)
    async with svc.db.transaction() as s:
        if slug and await campaign_q.by_slug(s, team_id, slug) is None:
            raise NotFound(f":mag: No campaign `{esc(slug[:40])}` in this workspace.")
        rows, total = await q.visible(
            s,
            team_id,
            user_id,
            is_admin=is_admin,
            open_only=False,
            slug=slug,
            roles=[Role.MANAGER, Role.LEGAL],
            limit=None,
        )
        if not rows and not is_admin and not await q.exports_anything(s, team_id, user_id):
            raise NotPermitted("export incidents", EXPORTERS)
        counts = await q.event_counts(s, [ctx.incident.id for ctx in rows])
    content = export_views.incidents_csv(rows, counts)
    stamp = svc.clock.now().strftime("%Y-%m-%d")
    name = f"incidents-{slug or 'all'}-{stamp}.csv"
    dm = (await svc.client.conversations_open(users=user_id))["channel"]["id"]
    await svc.client.files_upload_v2(
        channel=dm,
        filename=name,
        title=name,
        content=content,
        initial_comment=f":bar_chart: {plural(total, 'incident')} exported.",
    )
    return f":inbox_tray: Sent `{name}` ({plural(total, 'incident')}) to our DM."
