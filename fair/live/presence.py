"""Who is there right now, kept in Redis so that every web node counts the same people.

- A recruiter is *available* at a booth while they say so on the desk page **and** that socket is
  open: each available socket is a field of `fair:live:available:<booth>` (sid → user id), dropped
  when the socket goes (`drop_socket`, called from fair.sockets' disconnect hook). A recruiter with
  two tabs counts once.
- *Connected people* of an edition are the people with at least one socket following its fair or
  booth pages: the sockets are `fair:live:edition:<id>:sids`, and `fair:live:edition:<id>:people`
  counts each person's sockets (a person with the fair in two tabs counts once).

Presence is a courtesy: if Redis is unavailable, nobody is counted and nothing fails.
"""
from __future__ import annotations

import logging

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


def _people_key(edition_id: int) -> str:
    return f"fair:live:edition:{edition_id}:people"


# A socket counts its person once per edition, however often it follows; the last socket of a
# person to go takes them off. In scripts, so that two nodes never count the same socket twice.
_FOLLOW_EDITION = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[2], ARGV[2], 1) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[3])
"""
_UNFOLLOW_EDITION = """
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
end
"""


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
        pipe = get_redis().pipeline(transaction=False)
        for booth_id in booth_ids:
            pipe.hvals(_available_key(booth_id))
        values = pipe.execute()
    except RedisError:
        return {booth_id: 0 for booth_id in booth_ids}
    return {booth_id: len(set(users)) for booth_id, users in zip(booth_ids, values, strict=True)}


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
    by one node while its followers are on another, so the count lives in Redis. The sids of a node
    that dies are dropped once another node sees it stopped beating (fair/sockets.py).
    """
    if not _enabled():
        return
    try:
        pipe = get_redis().pipeline()
        pipe.sadd(_followers_key(room), sid)
        pipe.expire(_followers_key(room), DAY)
        pipe.sadd(_sid_rooms_key(sid), room)
        pipe.expire(_sid_rooms_key(sid), DAY)
        pipe.execute()
    except RedisError:
        log.warning("follower of %s not counted: Redis unavailable", room)


def followed(rooms: list[str], edition_id: int,
             available_at: int | None = None) -> tuple[dict[str, bool], int, int | None]:
    """Whether each room has a follower, the edition's connected count and, for a booth
    (`available_at`), its available recruiters, in one round trip.

    If Redis is unavailable every room counts as followed (messages are built rather than lost) and
    nobody as available."""
    if not _enabled():
        return {room: True for room in rooms}, 0, 0 if available_at is not None else None
    try:
        pipe = get_redis().pipeline(transaction=False)
        for room in rooms:
            pipe.scard(_followers_key(room))
        pipe.hlen(_people_key(edition_id))
        if available_at is not None:
            pipe.hvals(_available_key(available_at))
        answers = pipe.execute()
    except RedisError:
        return {room: True for room in rooms}, 0, 0 if available_at is not None else None
    counts, connected = answers[:len(rooms)], answers[len(rooms)]
    available = len(set(answers[-1])) if available_at is not None else None
    return {room: int(count) > 0 for room, count in zip(rooms, counts, strict=True)}, int(connected), available


def follow_edition(edition_id: int, sid: str, user_id: int) -> None:
    """Count this socket's person among the edition's connected people (until the socket closes)."""
    if not _enabled():
        return
    try:
        get_redis().eval(_FOLLOW_EDITION, 3, _edition_key(edition_id), _people_key(edition_id),
                         _sid_editions_key(sid), sid, user_id, DAY, edition_id)
    except RedisError:
        log.warning("follower of edition %s not counted: Redis unavailable", edition_id)


def connected_count(edition_id: int) -> int:
    if not _enabled():
        return 0
    try:
        return int(get_redis().hlen(_people_key(edition_id)))
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


def drop_socket(sid: str, user_id: int) -> tuple[list[int], list[int]]:
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
            pipe.eval(_UNFOLLOW_EDITION, 2, _edition_key(edition_id), _people_key(edition_id), sid, user_id)
        for room in rooms:
            pipe.srem(_followers_key(room.decode()), sid)
        pipe.delete(_sid_booths_key(sid), _sid_editions_key(sid), _sid_rooms_key(sid))
        pipe.execute()
        return booths, editions
    except RedisError:
        log.warning("closed socket %s not forgotten: Redis unavailable", sid)
        return [], []
