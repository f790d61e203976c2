"""The conduct classifier (guideline G4): a pure function over one chat message, with its word
lists and patterns as one data file per language (rules/<lang>.toml)."""

from bot.domain.conduct.classifier import THRESHOLD, ConductVerdict, assess, warm
from bot.domain.conduct.rules import Category, languages

__all__ = ["THRESHOLD", "Category", "ConductVerdict", "assess", "languages", "warm"]
