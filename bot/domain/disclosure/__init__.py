"""Disclosure linting: rules per market as data files, and the pure lint over a caption."""

from bot.domain.disclosure.lint import Finding, Match, Verdict, lint
from bot.domain.disclosure.rules import RuleSet, markets, rules_for

__all__ = ["Finding", "Match", "RuleSet", "Verdict", "lint", "markets", "rules_for"]
