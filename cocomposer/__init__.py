"""CoComposer: a piano-roll composer where a person and an AI write music together."""

__version__ = "0.1.0"
