"""App Home: built per user from a few bounded queries and published with `views.publish`.

Other flows call `refresh_home(svc, team_id, user_ids)` after a change the home shows (an
incident reported or moved, a review logged, a deliverable submitted, a check done, guidelines
acknowledged, a campaign role or the creator right given or taken back) so the tab is current the
next time those people look.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.domain.parsing import db_id
from bot.services import Services
from bot.slack import slack_error
from bot.views import home as views
from storage.queries import home as q

log = logging.getLogger(__name__)

DUE_SOON = timedelta(days=7)
#: Rows read per list; the count comes from SQL and stops at a cap (see storage.queries.home).
ROWS = views.LIST_ROWS


async def build_home(svc: Services, team_id: str, user_id: str) -> View:
    from bot.domain import trust as rules
    from bot.flows.trust import as_someone
    from storage.queries.campaigns import standing

    now = svc.clock.now()
    found = await svc.directory.user(user_id)
    is_admin = await svc.directory.is_admin(user_id)  # the user just looked up: no Slack call
    brand = influencer = p = None
    async with svc.db.transaction() as s:
        # the influencer they are: by Slack id or, for an external creator not matched yet, by the
        # email they were invited with (as the guidelines' button matches them)
        me = await q.influencer_of(s, team_id, user_id, found.email)
        if me is not None and not await q.is_engaged(s, team_id, me.id):
            me = None
        # an influencer is never on the brand side (docs/trust-boundaries.md): no brand lists, no
        # "New campaign", and no need to ask more; anyone else is asked what the trust rules need
        # (`bot.flows.trust.someone`, here in the same transaction), and a brand side their scope
        if me is None:
            p = as_someone(team_id, found, is_admin, await standing(s, team_id, user_id, found.email))
        on_brand_side = p is not None and not p.is_influencer and (p.is_admin or p.has_brand_role)
        if on_brand_side:
            scope, legal = await q.home_scope(s, team_id, user_id, is_admin=p.is_admin)
    may_create = p is not None and rules.creator_refusal(p) is None
    if on_brand_side:
        sections = [
            lambda s: q.open_incidents(s, scope, limit=ROWS),
            lambda s: q.incidents_waiting_on_brand(s, scope, limit=ROWS),
            lambda s: q.deliverables_between(s, scope, after=None, before=now, limit=ROWS),
            lambda s: q.deliverables_between(s, scope, after=now, before=now + DUE_SOON, limit=ROWS),
            lambda s: q.pending_checks(s, scope, limit=ROWS),
            lambda s: q.reviews_due(s, scope, now=now, limit=views.REVIEW_ROWS),
        ]
        if legal:
            sections.append(lambda s: q.escalations_for_legal(s, team_id, user_id, limit=ROWS))
        # side by side, each on its own connection (storage.db.Database.read_each)
        (
            (by_severity, open_page),
            waiting,
            overdue,
            due_soon,
            checks,
            reviews_due,
            *escalations,
        ) = await svc.db.read_each(*sections)
        brand = views.BrandHome(
            waiting=waiting,
            by_severity=by_severity,
            open=open_page,
            overdue=overdue,
            due_soon=due_soon,
            checks=checks,
            reviews_due=reviews_due,
            escalations=escalations[0] if legal else None,
            may_create=may_create,
        )
    if me is not None:
        campaigns, to_acknowledge, deliverables, incidents = await svc.db.read_each(
            lambda s: q.my_engagements(s, team_id, me.id, limit=ROWS),
            lambda s: q.my_engagements(s, team_id, me.id, limit=ROWS, unacknowledged=True),
            lambda s: q.my_deliverables(s, team_id, me.id, limit=ROWS),
            lambda s: q.my_open_incidents(s, team_id, me.id, limit=ROWS),
        )
        influencer = views.InfluencerHome(
            campaigns=campaigns, to_acknowledge=to_acknowledge, deliverables=deliverables, incidents=incidents
        )
    brand_side = p is not None and rules.brand_role_refusal(p, "") is None
    return views.home_view(brand, influencer, now, may_create=may_create, brand_side=brand_side)


async def open_incident(svc: Services, team_id: str, user_id: str, value: str, trigger_id: str) -> None:
    """A home line's "Open": the incident's card as a modal over the home tab, with a link to the
    card in its channel.

    A modal, because the home tab has no channel for an ephemeral message and its clicks carry no
    response_url (a DM would take the user away from the tab), and a link on the line itself would
    cost a `chat.getPermalink` per line shown on every build of the home. The click asks for one
    permalink, and who may see the incident is decided as `/breach show` decides it."""
    from bot.errors import NotFound
    from bot.flows.incidents.reading import show_incident
    from bot.flows.incidents.shared import permalink
    from storage.queries import incidents as incident_q

    number = db_id(value)  # an odd value (see `db_id`) is not found
    if number is None:
        raise NotFound("That incident no longer exists.")
    detail = await show_incident(svc, team_id, user_id, number)  # refuses whoever may not see it
    async with svc.db.transaction() as s:
        ctx = await incident_q.context_by_number(s, team_id, number)
    link = await permalink(svc, ctx) if ctx is not None else None
    await svc.client.views_open(trigger_id=trigger_id, view=views.incident_modal(number, detail, link, ctx))


async def view_all(svc: Services, team_id: str, user_id: str, which: str) -> None:
    """A home section's "View all": the first page of the user's open incidents (with "Show
    more"), by DM, since the home tab has nowhere to put a long list."""
    from bot.flows.incidents import list_incidents

    blocks = await list_incidents(svc, team_id, user_id, True, None)
    await svc.client.chat_postMessage(channel=user_id, text="Your open incidents", blocks=blocks)


async def publish_home(svc: Services, team_id: str, user_id: str) -> None:
    view = await build_home(svc, team_id, user_id)
    plain = list(view.blocks)
    await _with_chart(svc, team_id, user_id, view)
    try:
        await svc.client.views_publish(user_id=user_id, view=view)
    except SlackApiError:
        if len(view.blocks) == len(plain):
            raise
        # Slack may refuse an image it has not finished processing: the home without its chart
        log.warning("App Home of %s published without its chart", user_id, exc_info=True)
        view.blocks = plain
        await svc.client.views_publish(user_id=user_id, view=view)


async def _with_chart(svc: Services, team_id: str, user_id: str, view: View) -> None:
    """The open incidents trend of a brand role's campaigns, under the first line (bot/flows/insights.py)."""
    from bot.flows.insights import home_blocks

    try:
        chart = await home_blocks(svc, team_id, user_id)
    except Exception:  # the home is worth more than its chart
        log.exception("App Home chart of %s not drawn", user_id)
        return
    if chart and len(view.blocks) + len(chart) <= 100:
        view.blocks = [*view.blocks[:1], *chart, *view.blocks[1:]]


async def refresh_home(svc: Services, team_id: str, user_ids: Iterable[str | None]) -> None:
    """Republish the home tab of each user. Never fails the caller: the change is already stored,
    and a home that could not be refreshed is rebuilt when its user next opens it."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        try:
            await publish_home(svc, team_id, user_id)
        except SlackApiError as exc:
            log.warning("home of %s not refreshed: %s", user_id, slack_error(exc))
        except Exception:
            log.exception("home of %s not refreshed", user_id)
