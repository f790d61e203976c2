"""Web API method handlers, one module per method family, registered by name in REGISTRY."""

from . import chat, conversations, files, identity, views
from .registry import REGISTRY, ApiContext, Handler, api_method

__all__ = [
    "REGISTRY",
    "ApiContext",
    "Handler",
    "api_method",
    "chat",
    "conversations",
    "files",
    "identity",
    "views",
]
