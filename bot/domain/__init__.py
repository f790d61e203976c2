"""Domain rules as plain Python: no Slack, no HTTP, no database."""
