"""Reviews: the review modal (from `/review` or a "Log review" button), storing it, confirming it,
and the scorecard of `/review history`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot import messages
from bot.domain import reviews as rules
from bot.domain.parsing import user_id as mentioned_user
from bot.domain.permissions import PERMISSIONS, Act, may
from bot.domain.scorecard import scorecard as compute_scorecard
from bot.domain.trust import Someone, may_see_scorecards
from bot.errors import FormErrors, InvalidInput, NotFound, NotPermitted
from bot.flows import trust
from bot.flows.access import known_email, roles_on
from bot.flows.home import refresh_home
from bot.ids import Field
from bot.services import Services
from bot.slack import NO_UNFURL, dm_quietly, slack_error
from bot.views import owners
from bot.views import reviews as views
from bot.views.forms import FormValues
from bot.views.text import esc, user
from scheduler import plans
from storage.models import Influencer, Review
from storage.queries import campaigns as campaign_q
from storage.queries import incidents as delivery_q
from storage.queries import reviews as q
from storage.queries.reviews import CANDIDATES_MAX, EngagementRow

log = logging.getLogger(__name__)

NOTHING_TO_REVIEW = (
    "There is no influencer on your campaigns to review yet: `/campaign invite <slug> @influencer` adds one."
)


def _refuse(act: Act) -> NotPermitted:
    return NotPermitted(act.value, (r.value for r in PERMISSIONS[act]))


# ---------------------------------------------------------------------------------------------
# the modal


async def open_review_form(
    svc: Services, team_id: str, user_id: str, trigger_id: str, engagement_id: int | None = None
) -> None:
    """`/review` (engagement_id None) or "Log review" (prefilled with the engagement). The form lists
    influencers and campaigns: brand side only, never someone who is an influencer anywhere."""
    viewer = await trust.someone(svc, team_id, user_id)
    if viewer.is_influencer:
        raise _refuse(Act.LOG_REVIEW)
    is_admin = viewer.is_admin
    today = svc.clock.now().date()
    async with svc.db.transaction() as s:
        selected: EngagementRow | None = None
        if engagement_id is not None:
            selected = await q.engagement_row(s, team_id, engagement_id)
            if selected is None:
                raise NotFound(messages.ENGAGEMENT_GONE)
            roles = await roles_on(s, svc.directory, selected.campaign, user_id, Act.LOG_REVIEW)
            if not roles:  # no part in it (`access.standing`: influencers were refused above)
                raise NotFound(messages.ENGAGEMENT_GONE)
            if not may(Act.LOG_REVIEW, roles):
                raise _refuse(Act.LOG_REVIEW)
        elif not is_admin and not await q.has_brand_role(s, team_id, user_id):
            raise _refuse(Act.LOG_REVIEW)
        rows, total = await q.reviewable(s, team_id, user_id, is_admin=is_admin)
        if selected and all(r.engagement.id != selected.engagement.id for r in rows):
            rows = [selected, *rows[: q.PICKER_MAX - 1]]
        last_end = await q.last_review_end(s, team_id, selected.engagement.id) if selected else None
    if not rows:
        raise InvalidInput(NOTHING_TO_REVIEW)
    start, end = rules.default_period(today, last_end, _span(selected) if selected else None)
    view = views.review_modal(rows, total, selected.engagement.id if selected else None, start, end)
    await svc.client.views_open(trigger_id=trigger_id, view=view)


# ---------------------------------------------------------------------------------------------
# submit


@dataclass(frozen=True, slots=True)
class StoredReview:
    review: Review
    row: EngagementRow
    team: list[str]  # the campaign's brand team (their App Home lists reviews due)


def _span(row: EngagementRow) -> tuple[date, date]:
    return rules.engagement_span(row.engagement.created_at, row.campaign.start_date, row.campaign.end_date)


async def save_review(svc: Services, team_id: str, user_id: str, form: FormValues) -> StoredReview | None:
    """Validate and store (before the ack): field errors keep the modal open with nothing written.
    None when this very form was already stored: a repeat does nothing."""
    ratings = {dim.key: rules.parse_rating(form.selected(dim.key)) for dim in rules.DIMENSIONS}
    answer = form.selected(Field.WOULD_WORK_AGAIN)
    would_work_again = {views.YES: True, views.NO: False}.get(answer or "")
    notes = form.text(Field.NOTES)
    start, end = form.date(Field.PERIOD_START), form.date(Field.PERIOD_END)
    now = svc.clock.now()
    options = form.checked(Field.REVIEW_OPTIONS)

    engagement_id = form.selected_id(Field.ENGAGEMENT)
    await svc.directory.prefetch(user_id)
    async with svc.db.transaction() as s:
        row = await q.engagement_row(s, team_id, engagement_id) if engagement_id else None
        allowed = (
            row is not None
            # one person, one side: an influencer logs no review, even with a role stored before that rule
            and not await campaign_q.is_influencer_anywhere(
                s, team_id, user_id, known_email(svc.directory, user_id)
            )
            and may(Act.LOG_REVIEW, await roles_on(s, svc.directory, row.campaign, user_id, Act.LOG_REVIEW))
        )
        # the engagement's dates only to someone who may review it
        engaged = _span(row) if allowed else None
        errors = rules.review_problems(ratings, notes, start, end, now.date(), would_work_again, engaged)
        if not allowed:
            errors[Field.ENGAGEMENT] = "Pick an influencer on a campaign where you can log reviews."
        if errors:
            raise FormErrors(errors)
        # once per form, recorded after the checks and in this transaction: a refusal or a failure
        # rolls it back with the review, so the form, corrected, still counts
        once = owners.submission_key(user_id, form.view_id) if form.view_id else None
        if once is not None and not await delivery_q.first_delivery(s, team_id, once, now):
            return None
        review = Review(
            team_id=team_id,
            engagement_id=row.engagement.id,
            reviewer_id=user_id,
            period_start=start,
            period_end=end,
            **{key: ratings[key] for key in rules.DIMENSION_KEYS},
            would_work_again=would_work_again,
            notes=notes or None,
            flagged=views.FLAGGED in options,
            shared_with_influencer=views.SHARED in options,
            created_at=now,
        )
        s.add(review)
        await plans.engagement(s, row.engagement, now)  # this period's "review due" is done
        team = [r.user_id for r in await campaign_q.team(s, row.campaign.id)]
    return StoredReview(review=review, row=row, team=team)


async def announce_review(svc: Services, stored: StoredReview | None) -> None:
    """After the ack: the reviewer's confirmation; the influencer's copy only when shared."""
    if stored is None:  # a repeated submission: the first one announced it
        return
    review, row = stored.review, stored.row
    not_posted = None
    if review.shared_with_influencer:
        # the shared channel: it reaches external (Slack Connect) influencers too, whom the bot
        # can't DM, and it is where the brand and the influencer already talk
        text, blocks = views.shared_review(review, row)
        try:
            await svc.client.chat_postMessage(
                channel=row.engagement.channel_id, text=text, blocks=blocks, **NO_UNFURL
            )
        except SlackApiError as exc:  # the review is saved: the reviewer is told it was not posted
            not_posted = slack_error(exc) or "error"
            log.warning("review %s not posted in %s: %s", review.id, row.engagement.channel_id, not_posted)
    # each step after the review was saved runs whatever Slack says to the one before
    text, blocks = views.review_confirmation(review, row, not_posted)
    what = f"review {review.id} confirmation"
    await dm_quietly(svc.client, review.reviewer_id, text, what=what, blocks=blocks)
    await refresh_home(svc, review.team_id, [review.reviewer_id, *stored.team])


# ---------------------------------------------------------------------------------------------
# /review history


async def _shorter_names(s, team_id: str, target: str, scope: str | None) -> list:
    """For a full name as Slack shows it ("Ivy Influencer"), the influencers stored under its first
    words ("Ivy"): `_named_in_slack` keeps those Slack names so."""
    words = target.split()
    if len(words) < 2:
        return []
    leading = [" ".join(words[:n]).lower() for n in range(1, len(words))]
    return list(await q.influencers_named_any(s, team_id, leading, scope))


async def _named_in_slack(svc: Services, candidates: list, target: str) -> list:
    """The `candidates` Slack names `target` (display or real name, any case). Asked after the
    transaction that read them: Slack is never waited on while a transaction is open."""
    wanted = " ".join(target.split()).casefold()
    found = []
    for influencer in candidates:
        try:
            person = await svc.directory.user(influencer.slack_user_id)
        except NotFound:
            continue
        if wanted in {" ".join(name.split()).casefold() for name in person.names}:
            found.append(influencer)
    return found


async def _mentioned_influencer(
    svc: Services, team_id: str, mentioned: str, scope: str | None
) -> Influencer | None:
    """The influencer `@mentioned` is, if `scope` (a brand-role holder; None: an admin) works with
    them. By Slack id; failing that, by the e-mail Slack shows for the mentioned user: an external
    creator invited by e-mail is known by it until their Slack id is bound (when they first
    acknowledge), as everywhere else (`campaigns.is_me`). Slack is asked only then, and between the
    two transactions, never inside one."""
    async with svc.db.transaction() as s:
        influencer = await q.influencer_by_user(s, team_id, mentioned)
        if influencer is not None:
            return influencer if await _works_with(s, team_id, scope, influencer) else None
    await svc.directory.prefetch(mentioned)  # users.info, cached; a failure leaves no e-mail
    email = known_email(svc.directory, mentioned, unknown_ok=True)  # unknown: not found by e-mail
    if not email:
        return None
    async with svc.db.transaction() as s:
        influencer = await q.influencer_by_user(s, team_id, mentioned, email)
        if influencer is not None and await _works_with(s, team_id, scope, influencer):
            return influencer
    return None


async def _works_with(s, team_id: str, scope: str | None, influencer: Influencer) -> bool:
    return scope is None or await q.works_with(s, team_id, scope, influencer.id)


async def _scorecard_reader(svc: Services, team_id: str, user_id: str) -> Someone:
    """`user_id`, who may read scorecards; anyone else is refused (an influencer, whatever else they
    hold; someone with no brand role)."""
    viewer = await trust.someone(svc, team_id, user_id)
    if not may_see_scorecards(viewer):
        if viewer.is_influencer and (viewer.is_admin or viewer.has_brand_role):
            raise NotPermitted(
                Act.VIEW_SCORECARD.value,
                PERMISSIONS[Act.VIEW_SCORECARD],
                ":no_entry: Scorecards are for the brand side only, and you are an influencer on a "
                "campaign of this workspace.",
            )
        raise _refuse(Act.VIEW_SCORECARD)
    return viewer


async def history_usage(svc: Services, team_id: str, user_id: str, usage: str) -> str:
    """`/review history` without a name: its usage, to whoever may read scorecards; anyone else
    is refused at once, not after typing a name."""
    await _scorecard_reader(svc, team_id, user_id)
    return messages.missing_argument(usage)


async def scorecard(svc: Services, team_id: str, user_id: str, target: str) -> list[Block]:
    """A scorecard holds every review, shared or not: brand side only (bot/domain/trust.py).

    Admins see every influencer's; a brand-role holder only those of influencers engaged on a
    campaign where they hold a brand role (anyone else reads as "not found", so a scorecard never
    tells who works for whom elsewhere); an influencer sees none, whatever else they are.
    """
    viewer = await _scorecard_reader(svc, team_id, user_id)
    scope = None if viewer.is_admin else user_id  # a brand-role holder: the influencers they work with
    where = "any campaign of this workspace" if scope is None else "any campaign you work on"
    target = target.strip()
    if (mentioned := mentioned_user(target)) is not None:
        influencer = await _mentioned_influencer(svc, team_id, mentioned, scope)
        if influencer is None:
            raise NotFound(f":mag: {user(mentioned)} is not an influencer on {where}.")
    else:
        async with svc.db.transaction() as s:
            found = await q.influencers_named(s, team_id, target, scope)
            candidates = [] if found else await _shorter_names(s, team_id, target, scope)
        found = found or await _named_in_slack(svc, candidates, target)
        if not found:
            raise NotFound(
                f":mag: No influencer named “{esc(target[:80])}” on {where}. Try `/review history @user`."
            )
        if len(found) > 1:
            raise InvalidInput(views.candidates(target[:80], found, CANDIDATES_MAX))
        influencer = found[0]
    # the four parts side by side, each on its own connection (storage.db.Database.read_each)
    history = q.History(*await svc.db.read_each(*q.history_reads(team_id, influencer.id)))
    card = compute_scorecard(history.incidents, history.reviews, history.deliverables, svc.clock.now())
    return views.scorecard_blocks(influencer, history.campaigns, card)
