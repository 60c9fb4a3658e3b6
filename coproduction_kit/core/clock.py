"""Times as people in the room read them: in the workshop's time zone (``WorkshopConfig.timezone``).

The store keeps every time in UTC; anything a participant or facilitator reads ("Saved at
10:42:03", a journal's dates, a report's "made at") goes through ``shown`` so that a laptop or a
hub server set to another zone still shows the room's own clock.
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo


def zone(config) -> tzinfo | None:
    """The workshop's time zone; None means this computer's own."""
    name = getattr(config, "timezone", "") or ""
    return ZoneInfo(name) if name else None


def local(moment: datetime, config) -> datetime:
    """``moment`` in the workshop's time zone (a naive time is taken to be UTC, as the store's are)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(config))


def now(config) -> datetime:
    """The time now, in the workshop's time zone."""
    return local(datetime.now(timezone.utc), config)


def shown(moment: datetime | None, config, fmt: str = "%H:%M:%S", missing: str = "just now") -> str:
    """``moment`` as the room reads it, e.g. ``10:42:03``; ``missing`` when there is no time."""
    return local(moment, config).strftime(fmt) if moment is not None else missing

