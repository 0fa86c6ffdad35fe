"""The function a ``logic.approval`` step invokes with its task token: store, link, notify."""

__all__: list[str] = []
