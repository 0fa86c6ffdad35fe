"""The control-plane REST API: one Powertools resolver, routes in ``routes/``, one error envelope."""

__all__: list[str] = []
