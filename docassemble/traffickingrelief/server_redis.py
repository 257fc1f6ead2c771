"""docassemble's Redis, for the package's short-lived keys (progress of a background task, one-time downloads)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def server_redis():
    """One named client per process.

    ``DARedis()`` without a name walks the whole call stack (``inspect.stack``) to guess one; on the
    progress screen that was about a tenth of the web server's CPU under load (tools/load.py, py-spy).
    """
    from docassemble.base.util import DARedis

    return DARedis("tr_redis")
