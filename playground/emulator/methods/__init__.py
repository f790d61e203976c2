"""Web API method handlers, one module per method family, registered by name in REGISTRY."""

from . import chat, conversations, files, identity, oauth, views
from .registry import AUTH, REGISTRY, ApiContext, Handler, api_method

__all__ = [
    "AUTH",
    "REGISTRY",
    "ApiContext",
    "Handler",
    "api_method",
    "chat",
    "conversations",
    "files",
    "identity",
    "oauth",
    "views",
]
