"""Sentences the bot says, in one place.

Anything a user typed is escaped (`esc`) before it is echoed, and so are the usage texts: Slack
reads `<slug>` or `<@user | email>` as a link or a mention even inside backticks, so they are
written `&lt;slug&gt;` to show as typed."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain import parsing
from bot.ids import Command
from bot.slack import NO_ANSWER
from bot.views.text import esc

_C, _B, _R = Command.CAMPAIGN, Command.BREACH, Command.REVIEW

#: Each command's help: its title, then one line per subcommand (keys: `bot.domain.commands.LINES`,
#: which says who is shown each line: only what they may run), then a note for some readers.
HELP_TITLES = {
    _C: "*Campaign Guard — campaign setup*",
    _B: "*Campaign Guard — breach reports*",
    _R: "*Campaign Guard — performance reviews*",
}
HELP_LINES: dict[str, dict[str, str]] = {
    _C: {
        "new": f"`{_C} new [slug]` — create a campaign (opens a form)",
        "list": f"`{_C} list` — the campaigns you are part of",
        "show": f"`{_C} show <slug>` — details, team, guidelines and influencers",
        "show_own": f"`{_C} show <slug>` — the campaign, its guidelines and your engagement",
        "invite": f"`{_C} invite <slug> <@user | email> [#channel]` — add an influencer and their shared "
        "channel",
        "role": f"`{_C} role <slug> <@user> <manager | member | legal>` — give someone a role "
        "(`none` takes it away)",
        "guidelines": f"`{_C} guidelines <slug>` — add or edit clauses (asks influencers to acknowledge "
        "again)",
        "deliverable": f"`{_C} deliverable <slug>` — add a deliverable with its due time",
        "complete": f"`{_C} complete <slug>` — close a campaign that is over (reminders stop)",
        "cancel": f"`{_C} cancel <slug>` — call a campaign off (reminders stop)",
        "reopen": f"`{_C} reopen <slug>` — open a completed or cancelled campaign again",
        "reminders": f"`{_C} reminders [<slug>]` — reminders that failed or are late "
        "(managers and workspace admins)",
        "report": f"`{_C} report [<slug>] [30d | 90d | all]` — charts in your DM; without a slug, of every "
        "campaign you work on (a workspace admin: every campaign)",
        "digest": f"`{_C} digest <slug> [on | off]` — the managers' Monday digest "
        "(managers and workspace admins)",
        "conduct": f"`{_C} conduct <slug> [on | off | ghosting <hours> <hours>]` — the conduct monitor "
        "(managers and workspace admins)",
        "creators": f"`{_C} creators <add | remove | list> [<@user>]` — who may create campaigns "
        "(workspace admins)",
        "help": f"`{_C} help` — this message",
    },
    _B: {
        "report": f"`{_B}` — report a breach of a campaign's guidelines (opens a form)",
        "list": f"`{_B} list [open | all] [<slug>]` — the incidents you can see (open ones by default)",
        "show": f"`{_B} show BR-<n>` — one incident and its timeline",
        "export": f"`{_B} export [<slug>]` — a CSV of the incidents, in your DM "
        "(managers, legal and workspace admins)",
        "verify": f"`{_B} verify BR-<n>` — check that an incident's timeline was not altered",
        "help": f"`{_B} help` — this message",
    },
    _R: {
        "log": f"`{_R}` — log a review of an influencer's conduct and work (opens a form)",
        "history": f"`{_R} history <@user | influencer name>` — scorecard across all campaigns "
        "(incidents, strikes, ratings and trend, on-time delivery)",
        "help": f"`{_R} help` — this message",
    },
}
HELP_NOTES: dict[str, dict[str, str]] = {
    "influencer": {
        _C: "_The brand team sets campaigns up: it invites you, writes the guidelines you acknowledge "
        "and adds your deliverables, whose buttons are in your shared channel._",
        _B: "_The brand team reports breaches; you answer each one with the buttons on its card in your "
        "shared channel._",
        _R: "_The brand team logs performance reviews; a review shared with you is posted in your shared "
        "channel._",
    },
    "no_role": dict.fromkeys(
        (_C, _B, _R),
        f"_You hold no role on a campaign yet: a campaign's manager or a workspace admin gives you one "
        f"(`{_C} role`)._",
    ),
    "no_role_creator": dict.fromkeys(
        (_C, _B, _R),
        f"_You hold no role on a campaign yet: `{_C} new` creates one, with you as its manager; or a "
        f"campaign's manager gives you one (`{_C} role`)._",
    ),
    "outside": dict.fromkeys(
        (_C, _B, _R),
        "_Campaigns are run by members of this workspace: a guest or someone from another organisation "
        "holds no role on them._",
    ),
    "not_setup": {
        _C: "_Setting a campaign up (influencers, roles, guidelines, deliverables) is for its managers "
        "and the workspace admins._"
    },
}


def help_text(command: str, keys: list[str], note: str | None = None) -> str:
    """`command`'s help with the lines `keys` (in order) and the note `note` (keys of `HELP_NOTES`)."""
    lines = [HELP_TITLES[command], *(HELP_LINES[command][key] for key in keys)]
    if note:
        lines.append(HELP_NOTES[note][command])
    return esc("\n".join(lines))


#: Every line: what a workspace admin is shown.
CAMPAIGN_USAGE = help_text(_C, [key for key in HELP_LINES[_C] if key != "show_own"])
BREACH_USAGE = help_text(_B, list(HELP_LINES[_B]))
REVIEW_USAGE = help_text(_R, list(HELP_LINES[_R]))

GUIDELINES_UNCHANGED = "No change to the guidelines, so the version stays the same."
INCIDENT_GONE = "That incident no longer exists."
#: The answers for an engagement or a campaign a payload names that does not exist, or that the user
#: has no part in (`bot.flows.access.standing`: to them it does not exist either).
ENGAGEMENT_GONE = "That engagement no longer exists."
CAMPAIGN_GONE = "That campaign no longer exists."


def export_waiting(name: str) -> str:
    return (
        f":hourglass_flowing_sand: `{name}` is next in line: other exports are being prepared, and it "
        "comes here once they are done."
    )


EXPORT_RUNNING = (
    ":hourglass_flowing_sand: Your previous export is still being prepared: it comes to your DM with "
    "me. Ask for another once it has arrived."
)


def proposal_changed(incident: str, on: str = "this card") -> str:
    """Accept or Dispute on a card (`on`: or a Dispute form) that showed another proposal than the
    one `incident` (`BR-3`) has now, or on a card drawn before buttons said which proposal they
    answer."""
    return (
        f":arrows_counterclockwise: The proposed resolution of {incident} has changed since {on} "
        "showed it, so nothing was done. The card in the channel shows the current proposal: read it "
        "again, then *Accept* or *Dispute* it."
    )


# The incident card and its lifecycle (bot/views/incidents.py, bot/flows/incidents/lifecycle.py)

#: How the brand row of the incident card names who may press a button not the whole team's.
_ROLE_PLURALS = {"manager": "managers", "member": "members", "legal": "legal", "admin": "workspace admins"}


def brand_row_label(narrower: Iterable[tuple[Iterable[str], Iterable[str]]]) -> str:
    """The label over the brand team's buttons on an incident card: "*For the brand team* · Resolve
    and Dismiss: managers, legal and workspace admins". `narrower`: (button labels, roles) of the
    buttons only some of the team may press (`rules.narrower_moves`)."""
    parts = ["*For the brand team*"]
    for labels, roles in narrower:
        roles = set(roles)
        who = [plural for role, plural in _ROLE_PLURALS.items() if role in roles]
        parts.append(f"{_and(list(labels))}: {_and(who)}")
    return " · ".join(parts)


def _and(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


def proposal_lapsed(outcome: str) -> str:
    """On the timeline (plain text, both sides read it): the pending proposal ended by an escalation."""
    return f"The proposed resolution ({outcome}) lapsed with the escalation."


def proposal_lapsed_note(outcome: str, proposer: str, incident: str) -> str:
    """In the mediation thread (mrkdwn): `outcome` and `proposer` (a mention) as the card showed them."""
    return (
        f":hourglass: The proposed resolution (*{outcome}*, by {proposer}) lapsed with the escalation: "
        f"it can no longer be accepted or disputed, and legal now decides {incident}."
    )


def response_after_escalation(influencer: str, incident: str, link: str | None, *, in_thread: bool) -> str:
    """To legal, where it heard of the escalation: the influencer (`influencer`, a mention or an
    escaped name) answered an escalated incident. Never their words: a link to where they are."""
    what = "replied in the mediation thread of" if in_thread else "responded to"
    where = f" · <{link}|open the card and its thread>" if link else f" · `{Command.BREACH} show {incident}`"
    return f":speech_balloon: {influencer} {what} *{incident}*, which is escalated to legal{where}"


def usage(usage_line: str) -> str:
    """`:warning: Usage: …` for a command typed with the wrong arguments."""
    return f":warning: Usage: `{esc(usage_line)}`"


def unknown_subcommand(command: str, word: str, usage_text: str) -> str:
    """`usage_text`: a help text (`help_text`, already escaped)."""
    return f":warning: `{esc(command)} {esc(word[:40])}` is not a command I know.\n\n{usage_text}"


def did_you_mean(command: str, word: str, meant: str, args: list[str], line: str) -> str:
    """`command word args…` has no subcommand `word`; `meant` is the closest one (`""`: the command
    alone, which takes no arguments) and `line` its help line (a key of `HELP_LINES[command]`).
    The command line is shown rewritten with it, to be sent again: nothing ran."""
    rewritten = f"{command} {meant} {_echo(args)}".strip() if meant else command
    return (
        f":warning: `{esc(command)} {esc(word[:40])}` is not a command I know. "
        f"Did you mean `{rewritten}`?\n{esc(HELP_LINES[command][line])}\n"
        f"`{command} help` lists the commands you can use."
    )


def _echo(args: list[str]) -> str:
    """Arguments as typed (`parsing.command_words`), to show again: a real mention or channel as
    Slack's markup, anything else escaped (and quoted when it holds spaces), at most 12 words."""
    shown = []
    for word in args[:12]:
        if mentioned := parsing.user_id(word):
            shown.append(f"<@{mentioned}>")
        elif channel := parsing.channel_id(word):
            shown.append(f"<#{channel}>")
        else:
            text = esc(parsing.email(word) or word[:60] if word.startswith("<mailto:") else word[:60])
            shown.append(f'"{text}"' if any(c.isspace() for c in text) else text)
    return " ".join(shown) + (" …" if len(args) > 12 else "")


def only(action: str, roles: Iterable[str]) -> str:
    """The refusal that names who may do `action`: the roles on a campaign (manager, member,
    legal, its influencer) apart from admin rights, which are the workspace's, not a campaign's."""
    roles = set(roles)
    brand = [f"*{r}*" for r in ("manager", "member", "legal") if r in roles]
    parts = [f"a campaign {_or(brand)}"] if brand else []
    if "influencer" in roles:
        parts.append("the *influencer*")
    parts += [f"a *{r}*" for r in sorted(roles - {"manager", "member", "legal", "influencer", "admin"})]
    if "admin" in roles:
        parts.append("a workspace *admin*")
    nested = len(brand) > 1 and len(parts) > 1  # "a campaign *manager* or *legal*, or a workspace …"
    who = (", or " if nested else " or ").join([", ".join(parts[:-1]), parts[-1]]) if parts[1:] else parts[0]
    return f":no_entry: Only {who}{',' if nested else ''} can {action}."


def _or(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else words[0]


def list_scopes(word: str) -> str:
    """`/breach list closed` (or resolved, dismissed): not a list of its own; say which lists are."""
    return (
        f":information_source: There is no `{esc(word[:20])}` list. `{Command.BREACH} list open` (the "
        f"default) shows the incidents still open; `{Command.BREACH} list all` shows every incident, "
        f"resolved and dismissed ones included. Add a campaign to narrow it: "
        f"`{Command.BREACH} list all &lt;slug&gt;`."
    )


#: `/campaign report` without a slug, from someone who is not an admin and holds no brand role.
NO_CAMPAIGN_TO_REPORT = (
    ":no_entry: You hold no role on a campaign, so there is no report for you. "
    f"`{Command.CAMPAIGN} report` shows the campaigns where you are a manager, member or legal "
    "(a workspace *admin*: every campaign)."
)


def your_campaigns(count: int) -> str:
    """What a report over the campaigns where the reader holds a brand role is called."""
    return f"Your {count} campaigns"


def report_covers(slugs: list[str], shown: int = 20) -> str:
    """Under the figures of a report over the campaigns where the reader holds a brand role."""
    names = ", ".join(f"`{esc(slug)}`" for slug in slugs[:shown])
    more = f" and {len(slugs) - shown} more" if len(slugs) > shown else ""
    return f"The campaigns where you hold a role: {names}{more}."


def mention_tip(typed: str) -> str:
    """Said after "is not a @mention" when the word looks like one typed out by hand (`@ivy`): Slack
    sends a name as plain text unless it was picked from the list it shows while typing `@`."""
    if not typed.startswith("@"):
        return ""
    return (
        " A name typed out is plain text to Slack: type `@`, then pick the person from the list Slack "
        "shows, so the name becomes a mention."
    )


def missing_argument(usage_line: str) -> str:
    return f":warning: Missing argument. Usage: `{esc(usage_line)}`"


def unknown_slug(slug: str) -> str:
    return f":mag: No campaign `{esc(slug[:40])}` that you can see. `/campaign list` shows yours."


def slack_refused_stale(error: str) -> str:
    """Slack refused a call because what the request pointed at has expired or is gone."""
    return (
        f":hourglass: Slack refused that (`{esc(error[:40])}`): the form, button or message it came from "
        "has expired or no longer exists. Try again from a fresh one."
    )


def unexpected_error(error_id: str) -> str:
    return (
        f":boom: Something went wrong on our side. If it happens again, give this id to your admin: "
        f"`{error_id}`."
    )


# Something changed while a button or form was on screen: the action refused says what.

NOTHING_TO_ACKNOWLEDGE = "This engagement was terminated; there is nothing to acknowledge."
#: A deliverable's button or form (submit, publish, edit caption, …) after its engagement was terminated.
DELIVERABLES_CLOSED = "This engagement was terminated; its deliverables are closed."
#: Completes `bot.domain.campaigns.closed_refusal`: "`spring` is completed, so you can't …".
ASK_FOR_CHANGES = "ask for changes on its deliverables"


def _added_by(joined: str, by: str | None) -> str:
    return f" by <@{by}>" if by and by != joined else ""


#: Who joined, when Slack would not say who they are (`unknown`): not checked, and said so.
_NOT_CHECKED = "whom Slack would not name to me, so I could not check that they are not an influencer"


def influencer_joined_shared_channel(
    joined: str,
    by: str | None,
    channel: str,
    influencer: str,
    campaign: str,
    slug: str,
    *,
    unknown: bool = False,
) -> str:
    """To the managers: another engagement's influencer is now in this engagement's channel.
    `influencer`: the channel's own, as shown (a mention, or an escaped name)."""
    who = _NOT_CHECKED if unknown else "an influencer on another engagement"
    return (
        f":warning: <@{joined}>, {who}, was added to <#{channel}>"
        f"{_added_by(joined, by)}. It is {influencer}'s shared channel on *{esc(campaign)}* "
        f"(`{esc(slug)}`): everyone in it reads its incident cards, mediation threads, strikes and "
        f"shared reviews. Remove <@{joined}> from the channel unless that is what you want."
    )


def influencer_joined_escalation_channel(
    joined: str, by: str | None, channel: str, campaigns: list[tuple[str, str]], *, unknown: bool = False
) -> str:
    """To the managers and legal: an influencer is now in the escalation channel of `campaigns`
    ((name, slug), those of them the reader works on)."""
    names = ", ".join(f"*{esc(name)}* (`{esc(slug)}`)" for name, slug in campaigns)
    who = _NOT_CHECKED if unknown else "an influencer"
    return (
        f":lock: <@{joined}>, {who}, was added to <#{channel}>{_added_by(joined, by)}, the "
        f"escalation channel of {names}. While they are in it, legal's notices "
        f"and conduct flags are not posted there: they go by DM instead. Remove <@{joined}> from the "
        "channel."
    )


# Legal's notice that reached nobody on the campaign's brand side (bot/flows/incidents/shared.py).

#: Why legal's notice of a campaign without an escalation channel went to nobody (kept with it).
NO_LEGAL_RECIPIENT = "no escalation channel and no manager who is not an influencer"


def legal_dms_refused(error: str) -> str:
    """Why legal's notice went to nobody: Slack refused the DM to each of the people it was for."""
    return f"Slack refused my DM to each of the people it was for (`{esc(error[:40])}`)"


def legal_manager_missing(reason: str) -> str:
    """Why a notice held back from the escalation channel (`reason`: the bot's own words) then went
    to nobody: no manager who is not an influencer, or Slack refused each DM."""
    return f"I held it back from the escalation channel ({reason}) and no manager could be sent it"


def _legal_fix(slug: str, *, refused: bool, channel: bool) -> str:
    role = f"`{Command.CAMPAIGN} role {esc(slug)} @someone manager`"
    if refused:
        return (
            f"To fix it, check that the managers of `{esc(slug)}` can get my DMs (an active account, "
            f"the app not blocked), or make someone on the brand team a manager: {role}."
        )
    fix = (
        f"To fix it, make someone on the brand team (not an influencer) a manager of `{esc(slug)}` "
        f"({role}; an admin or a manager may): legal's notices then go to them"
    )
    if channel:
        return f"{fix}."
    return f"{fix}. An escalation channel is chosen only when a campaign is created."


def legal_notice_kept(slug: str, reason: str, *, refused: bool = False, channel: bool = False) -> str:
    """Appended to legal's notice for the workspace admins (never an influencer) when it reached
    nobody on the campaign's brand side. `reason`: the bot's own words; `refused`: Slack refused
    the DMs (rather than there being nobody to send it to); `channel`: the campaign has an
    escalation channel (the notice was held back from it)."""
    return (
        f"\n\n:rotating_light: *Legal was not told of this*: {reason}. I kept it, and it comes to you, "
        f"an admin of this workspace, instead. {_legal_fix(slug, refused=refused, channel=channel)}"
    )


def legal_not_told(
    incident: str, slug: str, reason: str, *, admins: bool, refused: bool = False, channel: bool = False
) -> str:
    """To the person whose move set off legal's notice that reached nobody on the campaign's brand
    side (without the notice). `admins`: the workspace admins got it instead; `refused`, `channel`:
    as for `legal_notice_kept`."""
    kept = (
        "I kept the notice and sent it to the workspace admins"
        if admins
        else "I kept the notice, but could send it to no workspace admin either"
    )
    return (
        f":warning: Legal was not told about {incident} on `{esc(slug)}`: {reason}. {kept}. "
        f"{_legal_fix(slug, refused=refused, channel=channel)}"
    )


# A card Slack refused to post in a shared channel (an incident's, a deliverable's): the row is kept,
# and the person who created it is told which one has no card, and why.


def card_refused_reason(error: str | None) -> str:
    """Why Slack refused a card in a shared channel, in words the reader can act on (`error`: Slack's
    error code)."""
    if error == "is_archived":
        return "the channel is archived"
    if error == "not_in_channel":
        return "I am not in it: `/invite @Campaign Guard` there"
    if error == "channel_not_found":
        return "I can't see it (it was deleted, or I was removed from it): `/invite @Campaign Guard` there"
    if error == NO_ANSWER:
        return (
            "Slack did not answer in time, and the card is not there (should it appear after all, "
            f"*{POST_CARD_AGAIN}* keeps it rather than posting a second one)"
        )
    return f"Slack refused the post (`{esc((error or 'no answer')[:40])}`)"


def incident_card_not_posted(incident: str, channel: str, error: str | None) -> str:
    """To the reporter, instead of the receipt: `incident` (`BR-3`) is stored, its card is not."""
    return (
        f":warning: *{incident}* is recorded, but I could not post its card in <#{channel}>: "
        f"{card_refused_reason(error)}. Without the card the influencer has no buttons to respond "
        f"with; the incident's deadlines still run. Follow it with `{Command.BREACH} show {incident}`; "
        f"once the channel is fixed, press *{POST_CARD_AGAIN}*."
    )


#: What each brand role does on a campaign, as told to whoever is given it.
ROLE_DUTIES = {
    "manager": "you run it: its influencers, guidelines, deliverables and incidents",
    "member": "you report breaches, follow incidents and check deliverables",
    "legal": "you decide resolutions and hear what is escalated",
}


def role_given(by: str, name: str, slug: str, role: str) -> str:
    """To someone given a brand role on campaign `name` (`slug`) by `by` (a mention)."""
    article = "" if role == "legal" else "a "
    return (
        f":wave: {by} made you {article}*{role}* on *{esc(name)}* (`{slug}`): {ROLE_DUTIES[role]}. "
        f"Your App Home lists what is yours to do; `{Command.CAMPAIGN} show {slug}` shows the campaign."
    )


def role_taken(by: str, name: str, slug: str) -> str:
    """To someone whose brand role on campaign `name` (`slug`) `by` took away."""
    return f":information_source: {by} took away your role on *{esc(name)}* (`{slug}`)."


def last_manager(target: str, slug: str, owner: str, others: list[tuple[str, str]]) -> str:
    """`/campaign role` refusing to take the manager role from `target` (a mention), the last manager
    who counts of campaign `slug`, whose owner `owner` (a mention) is an influencer in the workspace.
    `others`: the rest of its brand team, as (mention, role), who could be made its manager first."""
    if others:
        shown = ", ".join(f"{who} ({role})" for who, role in others[:5]) + (" …" if len(others) > 5 else "")
        first = f"Make someone else its manager first, from its team ({shown}) or the brand side"
    else:
        first = "Make someone of the brand side (not an influencer) its manager first"
    return (
        f":no_entry: {target} is the last manager of `{slug}`: its owner {owner} is an influencer in "
        "this workspace, and their role gives no rights, so the campaign would be left without a "
        f"manager. {first}: `{Command.CAMPAIGN} role {slug} @someone manager`; then change {target}'s role."
    )


def deliverable_added(title: str, who: str, channel: str) -> str:
    """To the manager who added the deliverable `title` (as typed), once its card is posted; `who`:
    the influencer, as the card names them."""
    return (
        f":white_check_mark: “{esc(title)}” is added: its card is in <#{channel}>, where {who} marks it "
        "submitted and published. Its reminders run from now."
    )


def deliverable_card_not_posted(title: str, channel: str, error: str | None) -> str:
    """To the manager who added the deliverable `title` (as typed): it is stored, its card is not."""
    return (
        f":warning: “{esc(title)}” is saved, but I could not post its card in <#{channel}>: "
        f"{card_refused_reason(error)}. Its reminders still run, but the influencer has no card to "
        f"mark it submitted on; once the channel is fixed, press *{POST_CARD_AGAIN}*."
    )


#: The button under those two messages.
POST_CARD_AGAIN = "Post the card again"


def card_already_posted(what: str, channel: str) -> str:
    """*Post the card again* on `what` (“BR-3”, a deliverable's title, as shown), whose card is there."""
    return f"The card of {what} is already in <#{channel}>."


def card_posted_again(what: str, channel: str) -> str:
    return f":white_check_mark: The card of {what} is now in <#{channel}>."


def card_refused_again(what: str, channel: str, error: str | None) -> str:
    return (
        f":warning: I still could not post the card of {what} in <#{channel}>: "
        f"{card_refused_reason(error)}. Fix that, then press *{POST_CARD_AGAIN}* again."
    )


def quote_not_theirs(source: str | None, reader: str | None) -> str:
    """The report form's description quotes a message of one engagement's shared channel (`source`:
    that engagement as the form lists it, "Spring Launch · Ivy"; None when the reporter no longer
    has it), and the report is filed on another one, whose card and thread would show the quote to
    its channel: to its influencer (`reader`: their mention, or escaped name), who is not in that
    channel, or (`reader` None: the same influencer, on another campaign) to that channel's brand team."""
    where = f"the shared channel of *{esc(source)}*" if source else "another engagement's shared channel"
    why = f"which {reader} can't read" if reader else "and this report's card goes to another channel"
    on = "that engagement" if source else "the engagement of that channel"
    return f"This quotes a message from {where}, {why}: file the report on {on}, or remove the quote."


def shared_review_not_posted(channel: str, error: str) -> str:
    """The reviewer's confirmation when the review's shared copy could not be posted."""
    return (
        f":warning: Saved as shared, but I could not post it in <#{channel}> (Slack said `{esc(error)}`): "
        "the influencer has not seen it. Add me to the channel, or tell them yourself."
    )


def guidelines_announced(name: str, version: int, asked: int, refused: list[tuple[str, str]]) -> str:
    """The editor's DM once a new guidelines version went to the shared channels. `name`: escaped;
    `refused`: (channel, Slack's error) where it could not be posted."""
    text = (
        f":memo: Guidelines of *{name}* are now version {version}; "
        f"{asked} influencer(s) were asked to acknowledge them again."
    )
    if refused:
        where = ", ".join(f"<#{channel}> (`{esc(error)}`)" for channel, error in refused)
        text += (
            f"\n:warning: I could not post them in {where}: the influencer there has not seen the "
            "new version and was not asked to acknowledge it."
        )
    return text


#: `/breach` (the report form) for an influencer: reports are the brand team's.
REPORTING_IS_THE_BRANDS = (
    ":information_source: Breaches are reported by a campaign's brand team. When one is reported about "
    "you, its card is posted in your shared channel, where you acknowledge and respond to it; "
    f"`{Command.BREACH} list` shows yours."
)


#: `bot.errors.UnknownCaller`: what the user may do depends on who Slack says they are.
CALLER_UNKNOWN = (
    ":warning: Slack did not tell me who you are just now, and what you may do here depends on it, "
    "so I did nothing. Please try again in a moment."
)
