"""Redis connector: get, set (TTL, NX/XX), delete, incr, publish, hash_get and hash_set."""

from connectors.redis import delete_keys, get_value, hash_get, hash_set, increment, publish, set_value
from connectors.redis.connector import REDIS as connector

__all__ = [
    "connector",
    "delete_keys",
    "get_value",
    "hash_get",
    "hash_set",
    "increment",
    "publish",
    "set_value",
]
