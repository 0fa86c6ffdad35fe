"""What every platform Lambda shares: settings parsed once, the single-table models, data access.

Example:
    >>> from functions.shared import Settings
    >>> Settings(jwt_secret="s").table_name
    'wfaib'
"""

from functions.shared.exceptions import ItemExistsError, ItemNotFoundError, StoreError, VersionConflictError
from functions.shared.settings import Settings

__all__ = ["ItemExistsError", "ItemNotFoundError", "Settings", "StoreError", "VersionConflictError"]
