"""Functions that start runs from outside: webhooks now; schedules and events slot in beside them."""

__all__: list[str] = []
