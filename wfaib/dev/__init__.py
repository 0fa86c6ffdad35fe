"""The local platform behind ``wfaib dev``: moto, the local Step Functions, the API and the editor.

Example:
    >>> from wfaib.dev import LocalPlatform
    >>> with LocalPlatform(Path(".wfaib"), port=8080) as platform:  # doctest: +SKIP
    ...     print(platform.url)
"""

from wfaib.dev.gateway import Gateway, proxy_event
from wfaib.dev.platform import DEMO_TENANT, LocalPlatform

__all__ = ["DEMO_TENANT", "Gateway", "LocalPlatform", "proxy_event"]
