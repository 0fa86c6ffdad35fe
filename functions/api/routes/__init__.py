"""One module per resource; each exposes ``router`` (a Powertools ``Router``)."""

__all__: list[str] = []
