"""Who is in a call room right now: sockets by room, kept in Redis so that it holds across web nodes.

A room's hash `fair:call:<token>:sids` maps each joined socket to its user; `fair:call:sid:<sid>`
lists the rooms a socket joined, so that a disconnect knows what to leave. Without Redis (a test app
built without a message queue) the same is kept in this process.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from flask import current_app
from redis.exceptions import RedisError

from fair.redis_conn import get_redis

log = logging.getLogger("fair.video")

TTL_SECONDS = 24 * 3600
_local_rooms: dict[str, dict[str, int]] = defaultdict(dict)
_local_sids: dict[str, set[str]] = defaultdict(set)


def _room_key(token: str) -> str:
    return f"fair:call:{token}:sids"


def _sid_key(sid: str) -> str:
    return f"fair:call:sid:{sid}"


def _redis():
    return get_redis() if current_app.config.get("REDIS_URL") else None


def members(token: str) -> dict[str, int]:
    """sid -> user id of the sockets in the room."""
    redis = _redis()
    if redis is None:
        return dict(_local_rooms.get(token, {}))
    try:
        return {sid.decode(): int(uid) for sid, uid in redis.hgetall(_room_key(token)).items()}
    except RedisError:
        log.warning("call presence unavailable: Redis unreachable")
        return {}


def add(token: str, sid: str, user_id: int) -> None:
    redis = _redis()
    if redis is None:
        _local_rooms[token][sid] = user_id
        _local_sids[sid].add(token)
        return
    try:
        pipe = redis.pipeline()
        pipe.hset(_room_key(token), sid, user_id)
        pipe.expire(_room_key(token), TTL_SECONDS)
        pipe.sadd(_sid_key(sid), token)
        pipe.expire(_sid_key(sid), TTL_SECONDS)
        pipe.execute()
    except RedisError:
        log.warning("call presence of %s not recorded: Redis unreachable", sid)


def remove(token: str, sid: str) -> None:
    redis = _redis()
    if redis is None:
        _local_rooms.get(token, {}).pop(sid, None)
        _local_sids.get(sid, set()).discard(token)
        return
    try:
        pipe = redis.pipeline()
        pipe.hdel(_room_key(token), sid)
        pipe.srem(_sid_key(sid), token)
        pipe.execute()
    except RedisError:
        log.warning("call presence of %s not removed: Redis unreachable", sid)


def rooms_of(sid: str) -> list[str]:
    redis = _redis()
    if redis is None:
        return sorted(_local_sids.get(sid, set()))
    try:
        return sorted(t.decode() for t in redis.smembers(_sid_key(sid)))
    except RedisError:
        return []
