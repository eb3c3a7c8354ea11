"""Who is there right now, kept in Redis so that every web node counts the same people.

- A recruiter is *available* at a booth while they say so on the desk page **and** that socket is
  open: each available socket is a field of `fair:live:available:<booth>` (sid → user id), dropped
  when the socket goes (`drop_socket`, called from fair.sockets' disconnect hook). A recruiter with
  two tabs counts once.
- *Connected people* of an edition are the sockets following its fair or booth pages
  (`fair:live:edition:<id>:sids`).

Presence is a courtesy: if Redis is unavailable, nobody is counted and nothing fails.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from redis.exceptions import RedisError

from fair.redis_conn import get_redis

log = logging.getLogger("fair.live")

DAY = 24 * 3600


def _available_key(booth_id: int) -> str:
    return f"fair:live:available:{booth_id}"


def _sid_booths_key(sid: str) -> str:
    return f"fair:live:sid:{sid}:booths"


def _edition_key(edition_id: int) -> str:
    return f"fair:live:edition:{edition_id}:sids"


def _sid_editions_key(sid: str) -> str:
    return f"fair:live:sid:{sid}:editions"


def _enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def set_available(booth_id: int, user_id: int, sid: str, available: bool) -> None:
    if not _enabled():
        return
    try:
        pipe = get_redis().pipeline()
        if available:
            pipe.hset(_available_key(booth_id), sid, user_id)
            pipe.expire(_available_key(booth_id), DAY)
            pipe.sadd(_sid_booths_key(sid), booth_id)
            pipe.expire(_sid_booths_key(sid), DAY)
        else:
            pipe.hdel(_available_key(booth_id), sid)
            pipe.srem(_sid_booths_key(sid), booth_id)
        pipe.execute()
    except RedisError:
        log.warning("availability at booth %s not recorded: Redis unavailable", booth_id)


def is_available(booth_id: int, user_id: int) -> bool:
    if not _enabled():
        return False
    try:
        return str(user_id).encode() in get_redis().hvals(_available_key(booth_id))
    except RedisError:
        return False


def available_counts(booth_ids: list[int]) -> dict[int, int]:
    """Distinct available recruiters per booth."""
    if not booth_ids or not _enabled():
        return {booth_id: 0 for booth_id in booth_ids}
    try:
        pipe = get_redis().pipeline()
        for booth_id in booth_ids:
            pipe.hvals(_available_key(booth_id))
        values = pipe.execute()
    except RedisError:
        return {booth_id: 0 for booth_id in booth_ids}
    return {booth_id: len(set(users)) for booth_id, users in zip(booth_ids, values)}


def available_sockets(booth_id: int) -> dict[str, int]:
    """sid → user id of the sockets available at this booth (empty if Redis is unavailable)."""
    if not _enabled():
        return {}
    try:
        return {sid.decode(): int(user) for sid, user in get_redis().hgetall(_available_key(booth_id)).items()}
    except RedisError:
        return {}


def available_count(booth_id: int) -> int:
    return available_counts([booth_id])[booth_id]


def _followers_key(room: str) -> str:
    return f"fair:live:followers:{room}"


def _sid_rooms_key(sid: str) -> str:
    return f"fair:live:sid:{sid}:rooms"


def follow_room(room: str, sid: str) -> None:
    """Count this socket among the followers of `room` on every node (until it closes).

    Rooms whose messages cost work to build (a booth's recruiters, an edition's dashboard) are built
    only while someone follows them. Per-node room lists would not do: the change may be handled
    by one node while its followers are on another, so the count lives in Redis. A node that dies
    leaves its sids for a day at most, which only means building messages nobody reads.
    """
    _count_follower(_followers_key(room), sid, _sid_rooms_key(sid), room, room)


def followed(rooms: list[str], edition_id: int) -> tuple[dict[str, bool], int]:
    """Whether each room has a follower, and the edition's connected count, in one round trip.

    If Redis is unavailable every room counts as followed: messages are built rather than lost."""
    if not _enabled():
        return {room: True for room in rooms}, 0
    try:
        pipe = get_redis().pipeline()
        for room in rooms:
            pipe.scard(_followers_key(room))
        pipe.scard(_edition_key(edition_id))
        *counts, connected = pipe.execute()
    except RedisError:
        return {room: True for room in rooms}, 0
    return {room: int(count) > 0 for room, count in zip(rooms, counts)}, int(connected)


def follow_edition(edition_id: int, sid: str) -> None:
    _count_follower(_edition_key(edition_id), sid, _sid_editions_key(sid), edition_id, f"edition {edition_id}")


def _count_follower(key: str, sid: str, sid_key: str, followed_item: Any, what: str) -> None:
    """Add `sid` to the followers at `key`, and what it follows to `sid_key` (to undo at disconnect)."""
    if not _enabled():
        return
    try:
        pipe = get_redis().pipeline()
        pipe.sadd(key, sid)
        pipe.expire(key, DAY)
        pipe.sadd(sid_key, followed_item)
        pipe.expire(sid_key, DAY)
        pipe.execute()
    except RedisError:
        log.warning("follower of %s not counted: Redis unavailable", what)


def connected_count(edition_id: int) -> int:
    if not _enabled():
        return 0
    try:
        return int(get_redis().scard(_edition_key(edition_id)))
    except RedisError:
        return 0


def socket_booths(sid: str) -> list[int]:
    """Booths where this socket is marked available."""
    if not _enabled():
        return []
    try:
        return [int(b) for b in get_redis().smembers(_sid_booths_key(sid))]
    except RedisError:
        return []


def drop_socket(sid: str) -> tuple[list[int], list[int]]:
    """Forget a closed socket everywhere; answers (booths it was available at, editions it followed)."""
    if not _enabled():
        return [], []
    try:
        redis = get_redis()
        pipe = redis.pipeline()
        pipe.smembers(_sid_booths_key(sid))
        pipe.smembers(_sid_editions_key(sid))
        pipe.smembers(_sid_rooms_key(sid))
        booth_set, edition_set, rooms = pipe.execute()
        booths = [int(b) for b in booth_set]
        editions = [int(e) for e in edition_set]
        pipe = redis.pipeline()
        for booth_id in booths:
            pipe.hdel(_available_key(booth_id), sid)
        for edition_id in editions:
            pipe.srem(_edition_key(edition_id), sid)
        for room in rooms:
            pipe.srem(_followers_key(room.decode()), sid)
        pipe.delete(_sid_booths_key(sid), _sid_editions_key(sid), _sid_rooms_key(sid))
        pipe.execute()
        return booths, editions
    except RedisError:
        log.warning("closed socket %s not forgotten: Redis unavailable", sid)
        return [], []
