"""slack_sdk's OAuth tables, on our metadata: installations, bots (the latest bot token of each
workspace) and OAuth states.

The columns are exactly those slack_sdk's SQLAlchemy stores build (so its stores read and write
them unchanged), with two differences:

- the token columns are wider: tokens are stored encrypted (bot/installations.py), and a Fernet
  token of a 150-character rotating Slack token is about 290 characters;
- `slack_bots` has an index on (client_id, team_id, installed_at): background work (reminders)
  knows a workspace's team id only, not whether it belongs to an Enterprise Grid organisation.

Alembic migration 0004 creates them; tests/storage/test_migrations.py compares them like ours.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Index, String, Table

from storage.models import metadata

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
OAUTH_STATES = "slack_oauth_states"
TOKEN_LENGTH = 1000
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def _widen_tokens(table: Table) -> Table:
    for name in TOKEN_COLUMNS:
        if name in table.c:
            table.c[name].type = String(TOKEN_LENGTH)
    return table


installations: Table = _widen_tokens(
    SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS)
)
bots: Table = _widen_tokens(SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS))
Index(f"{BOTS}_team_idx", bots.c.client_id, bots.c.team_id, bots.c.installed_at)
oauth_states: Table = SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, OAUTH_STATES)
