"""Queries by domain. Every function takes the session and the workspace's `team_id` (or an id
already scoped by one) and filters by it; none loads a table to filter in Python."""
