"""The emulated workspaces' people: the cast of the playground and of the end-to-end tests.

The first workspace (Acme) is the demo's and the tests'. The playground also has a second
customer, Globex, with its own people, installed through OAuth as any other workspace would be
(playground/app.py) — Slack user ids are unique across workspaces, as in Slack.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.emulator import SlackEmulator


@dataclass(frozen=True, slots=True)
class Person:
    user_id: str
    name: str
    real_name: str
    email: str
    tz: str
    title: str
    is_admin: bool = False
    external: bool = False
    is_guest: bool = False


ADMIN = Person(
    "U0ADMIN", "ada", "Ada Admin", "ada@acme.example", "Europe/London", "Workspace admin", is_admin=True
)
MANAGER = Person(
    "U0MANAGER", "maya", "Maya Manager", "maya@acme.example", "America/New_York", "Brand manager"
)
MEMBER = Person("U0MEMBER", "mo", "Mo Member", "mo@acme.example", "America/Chicago", "Brand team member")
LEGAL = Person("U0LEGAL", "lee", "Lee Legal", "lee@acme.example", "Europe/Paris", "Legal & compliance")
INFLUENCER = Person(
    "U0IVY", "ivy", "Ivy Influencer", "ivy@creators.example", "America/Los_Angeles", "Influencer"
)
EXTERNAL = Person(
    "",
    "eve",
    "Eve External",
    "eve@elsewhere.example",
    "Europe/Dublin",
    "Influencer from another organisation (Slack Connect)",
    external=True,
)
OUTSIDER = Person(
    "U0OTTO", "otto", "Otto Outsider", "otto@acme.example", "Europe/Berlin", "Not on any campaign"
)

GUEST = Person(
    "U0GUS", "gus", "Gus Guest", "gus@agency.example", "Europe/Madrid", "Guest (multi-channel)", is_guest=True
)
#: A member of another organisation who shares a channel with this workspace (Slack Connect).
PARTNER = Person(
    "U0PAT", "pat", "Pat Partner", "pat@partner.example", "Asia/Tokyo", "Partner organisation", external=True
)
PARTNER_TEAM_ID = "T0PARTNER"
#: People of the first workspace who are in no switcher order (people.CAST) but can be acted as.
OTHERS = (GUEST, PARTNER)

WORKSPACE_PEOPLE = (ADMIN, MANAGER, MEMBER, LEGAL, INFLUENCER, OUTSIDER)


def _add(emulator, person: Person, **extra):
    """`person` as a user of the emulated workspace (shown by their first name)."""
    return emulator.add_user(
        person.name,
        user_id=person.user_id,
        real_name=person.real_name,
        display_name=person.real_name.split()[0],
        email=person.email,
        tz=person.tz,
        is_admin=person.is_admin,
        **extra,
    )


def populate(emulator: SlackEmulator) -> None:
    """Add the workspace members (the external influencer appears when they accept an invite)."""
    for person in WORKSPACE_PEOPLE:
        _add(emulator, person)
    _add(emulator, GUEST, is_restricted=True)
    _add(emulator, PARTNER, team_id=PARTNER_TEAM_ID)
    emulator.add_channel(
        "general",
        members=[p.user_id for p in WORKSPACE_PEOPLE] + [emulator.bot_user.id],
        is_general=True,
    )
    emulator.add_channel(
        "legal",
        is_private=True,
        creator=LEGAL.user_id,
        members=[LEGAL.user_id, MANAGER.user_id, ADMIN.user_id],
    )


#: Everyone the playground's user switcher offers, in order (Eve once she has joined).
CAST = (MANAGER, MEMBER, LEGAL, ADMIN, INFLUENCER, EXTERNAL, OUTSIDER)

#: The first workspace: the emulator's default team id; its name in the playground's switcher.
TEAM_ID = "T0CAMPAIGN"
TEAM_NAME = "Acme"

# ---------------------------------------------------------------- the second workspace: Globex

GLOBEX_TEAM_ID = "T0GLOBEX"
GLOBEX_NAME = "Globex"
GLOBEX_DOMAIN = "globex"
GLOBEX_BOT_USER_ID = "U0GLOBEXBOT"
GLOBEX_BOT_ID = "B0GLOBEXBOT"

GLOBEX_ADMIN = Person(
    "U0HANA", "hana", "Hana Admin", "hana@globex.example", "Asia/Singapore", "Workspace admin", is_admin=True
)
GLOBEX_MANAGER = Person(
    "U0GRACE", "grace", "Grace Manager", "grace@globex.example", "Europe/Amsterdam", "Brand manager"
)
GLOBEX_LEGAL = Person("U0GIL", "gil", "Gil Legal", "gil@globex.example", "Europe/Rome", "Legal & compliance")
GLOBEX_INFLUENCER = Person(
    "U0NOOR", "noor", "Noor Influencer", "noor@creators.example", "Asia/Dubai", "Influencer"
)
GLOBEX_PEOPLE = (GLOBEX_ADMIN, GLOBEX_MANAGER, GLOBEX_LEGAL, GLOBEX_INFLUENCER)
GLOBEX_CAST = (GLOBEX_MANAGER, GLOBEX_LEGAL, GLOBEX_ADMIN, GLOBEX_INFLUENCER)

#: Each workspace's switcher order, by team id.
CASTS = {TEAM_ID: CAST, GLOBEX_TEAM_ID: GLOBEX_CAST}


def add_globex(emulator: SlackEmulator) -> SlackEmulator:
    """The second workspace, with its people and channels (not installed yet: the playground
    installs it through OAuth). Returns the emulator acting in it."""
    globex = emulator.add_workspace(
        GLOBEX_TEAM_ID,
        team_name=GLOBEX_NAME,
        team_domain=GLOBEX_DOMAIN,
        bot_user_id=GLOBEX_BOT_USER_ID,
        bot_id=GLOBEX_BOT_ID,
    )
    for person in GLOBEX_PEOPLE:
        _add(globex, person)
    globex.add_channel(
        "general", members=[p.user_id for p in GLOBEX_PEOPLE] + [globex.bot_user.id], is_general=True
    )
    globex.add_channel(
        "legal",
        is_private=True,
        creator=GLOBEX_LEGAL.user_id,
        members=[GLOBEX_LEGAL.user_id, GLOBEX_MANAGER.user_id, GLOBEX_ADMIN.user_id],
    )
    return globex


def join_external(emulator: SlackEmulator, person: Person = EXTERNAL):
    """The external influencer accepts their Slack Connect invites; their profile is filled in as
    their own organisation's Slack would show it."""
    user = emulator.accept_shared_invite(person.email)
    user.real_name, user.display_name, user.tz = person.real_name, person.real_name.split()[0], person.tz
    return user
