"""Errors the AI layer reports to the CLI and the editor, each with a message a person can act on."""


class AIError(Exception):
    """Base class for AI failures."""


class ModelError(AIError):
    """The model file is missing, unreadable, corrupt, or does not follow the documented contract."""


class RequestError(AIError):
    """A generation request that cannot be carried out as asked (no melody to harmonize, empty range...)."""
