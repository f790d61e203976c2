"""Flows: one user action each, orchestrating the store (one transaction) and Slack calls.

Handlers call a flow after the ack (or, for modal submissions, the validating part before it).
"""
