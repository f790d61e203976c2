"""Reading incidents: list (a page at a time), show with timeline, CSV export.

Every read first resolves *whose* incidents the user may see as a set of engagements (`Scope`),
then asks for incidents of those engagements: the shape the indexes serve at any size. Lists are
pages in number order with a keyset ("Show more" asks for the incidents numbered below the last
one shown), counts stop at a cap, and the export streams batches to a file on disk.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import tempfile

from bot import messages
from bot.domain.enums import Role
from bot.domain.permissions import campaign_roles
from bot.errors import Conflict, NotFound, NotPermitted
from bot.flows.access import admin_rights, campaign_for, is_brand_admin, is_them, known_email
from bot.services import Services
from bot.uploads import upload_file
from bot.views import export as export_views
from bot.views import incidents as views
from bot.views.text import plural
from storage.queries import campaigns as campaign_q
from storage.queries import incidents as q
from storage.queries.incidents import Count, IncidentContext

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------------
# Reading: list, show, export


async def _campaign_id(svc: Services, s, team_id: str, user_id: str, slug: str | None) -> int | None:
    if not slug:
        return None
    campaign, _ = await campaign_for(s, svc.directory, team_id, slug, user_id)
    return campaign.id


async def list_incidents(
    svc: Services, team_id: str, user_id: str, open_only: bool, slug: str | None, before: int | None = None
) -> list:
    """A page of the incidents the user may see, newest first (numbered below `before`: the next
    page), with a "Show more" button while there are more."""
    is_admin = await admin_rights(svc, team_id, user_id)  # looks the user up: their e-mail, below
    async with svc.db.transaction() as s:
        campaign_id = await _campaign_id(svc, s, team_id, user_id, slug)
        scope = await q.scope_of(
            s,
            team_id,
            user_id,
            is_admin=is_admin,
            campaign_id=campaign_id,
            email=known_email(svc.directory, user_id),
        )
        # a large scope's first page nearly always has more, and each statement naming its
        # thousands of engagements costs PostgreSQL milliseconds of planning: its page and count
        # are read side by side below, each on its own connection (storage.db.Database.read_each)
        side_by_side = before is None and scope.large
        if not side_by_side:
            rows, more = await q.list_page(s, scope, open_only=open_only, before=before)
            total = Count(len(rows))
            if more and before is None:
                total = await q.list_count(s, scope, open_only=open_only)
    if side_by_side:
        (rows, more), counted = await svc.db.read_each(
            lambda s: q.list_page(s, scope, open_only=open_only),
            lambda s: q.list_count(s, scope, open_only=open_only),
        )
        total = counted if more else Count(len(rows))
    more_value = views.list_more_value(open_only, slug, rows[-1].incident.number) if more else None
    return views.incident_list(
        rows, total, "open" if open_only else "all", more=more_value, continued=before is not None
    )


async def list_more(svc: Services, team_id: str, user_id: str, value: str) -> list:
    """The "Show more" button of a list: the next page (a forged value reads as an empty list)."""
    try:
        data = json.loads(value or "{}")
    except json.JSONDecodeError:
        data = {}
    data = data if isinstance(data, dict) else {}
    before, slug = data.get("before"), data.get("slug")
    if not isinstance(before, int) or isinstance(before, bool) or before < 1:
        before = 1  # nothing is numbered below 1
    slug = slug[:40] if isinstance(slug, str) and slug else None
    return await list_incidents(svc, team_id, user_id, data.get("open") is not False, slug, before)


async def show_incident(svc: Services, team_id: str, user_id: str, number: int) -> list:
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        ctx = await q.context_by_number(s, team_id, number)
        # its influencer (by Slack id, or by e-mail before their id is bound) reads it as the
        # influencer, whatever else they are
        theirs = ctx is not None and is_them(ctx.influencer, user_id, known_email(svc.directory, user_id))
        if ctx is None or not (theirs or await _may_see(svc, s, ctx, user_id)):
            raise NotFound(f":mag: No incident BR-{number} that you can see.")
        events = await q.timeline(s, ctx.incident.id)
    return views.incident_detail(ctx, events, for_influencer=theirs)


async def _may_see(svc: Services, s, ctx: IncidentContext, user_id: str) -> bool:
    """The incident's campaign's brand team (its influencer is asked first, `is_them`). Someone who
    is an influencer anywhere in the workspace has no brand role (`granted_role`) nor admin rights
    here (docs/trust-boundaries.md, *one person, one side*)."""
    granted = await campaign_q.granted_role(s, ctx.campaign.id, user_id, known_email(svc.directory, user_id))
    roles = campaign_roles(is_admin=False, granted=granted, is_influencer=False)
    return bool(roles) or await is_brand_admin(s, svc.directory, ctx.campaign.team_id, user_id)


EXPORTERS = frozenset({Role.ADMIN, Role.MANAGER, Role.LEGAL})
EXPORT_ROLES = (Role.MANAGER, Role.LEGAL)
#: An export this large says so first: the file comes later, by DM.
LARGE_EXPORT = 20_000


async def export(svc: Services, team_id: str, user_id: str, slug: str | None) -> str:
    """A CSV of the incidents the user may export, uploaded to their DM with the bot.

    The rows stream from the database in batches of `q.EXPORT_BATCH` (only the CSV's columns, the
    batch's timeline counts in one query) to a temporary file, and the file streams to Slack: the
    memory used is one batch, whatever the size, and the event loop gets a turn between batches
    (other users' acks never wait behind an export). Each batch is its own short transaction: a
    long export holds no snapshot or connection.

    One export at a time per person (a second asked meanwhile is refused with `EXPORT_RUNNING`),
    and at most `EXPORTS_AT_ONCE` per process (bot/services.py): a burst of exports, however large,
    waits its turn rather than filling the disk and the database's connections."""
    is_admin = await admin_rights(svc, team_id, user_id)
    email = known_email(svc.directory, user_id)
    async with svc.db.transaction() as s:
        campaign_id = await _campaign_id(svc, s, team_id, user_id, slug)
        scope = await q.scope_of(
            s, team_id, user_id, is_admin=is_admin, campaign_id=campaign_id, roles=EXPORT_ROLES, email=email
        )
        if scope.empty and not is_admin and not await q.exports_anything(s, team_id, user_id, email):
            raise NotPermitted("export incidents", EXPORTERS)
        size = await q.list_count(s, scope, open_only=False, cap=LARGE_EXPORT)
    running = (team_id, user_id)
    if running in svc.exports:  # one at a time per person: a repeated command makes no second file
        raise Conflict(messages.EXPORT_RUNNING)
    svc.exports.add(running)
    try:
        name = f"incidents-{slug or 'all'}-{svc.clock.now().strftime('%Y-%m-%d')}.csv"
        dm = (await svc.client.conversations_open(users=user_id))["channel"]["id"]
        if svc.export_slots.locked():  # a few at a time per process; the others wait their turn
            await svc.client.chat_postMessage(channel=dm, text=messages.export_waiting(name))
        async with svc.export_slots:
            return await _export(svc, scope, size, name, dm)
    finally:
        svc.exports.discard(running)


async def _export(svc: Services, scope: q.Scope, size: Count, name: str, dm: str) -> str:
    if size.capped:
        await svc.client.chat_postMessage(
            channel=dm,
            text=f":hourglass_flowing_sand: Preparing `{name}`: more than {size} incidents, a moment.",
        )
    with tempfile.TemporaryFile("w+b") as raw:
        total = await _write_csv(svc, scope, raw)
        await upload_file(
            svc.client,
            raw,
            filename=name,
            title=name,
            channel=dm,
            initial_comment=f":bar_chart: {plural(total, 'incident')} exported.",
        )
    return f":inbox_tray: Sent `{name}` ({plural(total, 'incident')}) to you by DM."


async def _write_csv(svc: Services, scope: q.Scope, raw) -> int:
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
    writer = export_views.csv_writer(out)
    total, before = 0, None
    while True:
        async with svc.db.transaction() as s:
            batch = await q.export_batch(s, scope, before=before)
        if not batch:
            break
        # formatting a batch is CPU work (24 escaped cells a row): in a thread, so the event loop
        # (everyone else's acks) is never held for more than a switch interval
        await asyncio.to_thread(_write_rows, writer, batch)
        total += len(batch)
        before = batch[-1].number
    out.flush()
    out.detach()  # the caller keeps the file open
    raw.seek(0)
    return total


def _write_rows(writer, batch: list[q.ExportRow]) -> None:
    writer.writerows(export_views.incident_cells(r) for r in batch)
