"""TURN credentials as coturn's `use-auth-secret` (the TURN REST API draft) expects them."""
from __future__ import annotations

import datetime as dt

# Worked out by hand from the documented algorithm, not by the code under test:
#   username   = "<unix expiry>:<user id>" = "1900000000:42"  (now 1899996400 + ttl 3600)
#   credential = base64(HMAC-SHA1(secret, username))
#   printf '%s' '1900000000:42' | openssl dgst -sha1 -hmac 'north-fair-turn-secret' -binary | base64
#   → etCqqu70LwFcss6CVrB4yILeY3g=
SECRET = "north-fair-turn-secret"
NOW = dt.datetime(2030, 3, 17, 16, 46, 40, tzinfo=dt.timezone.utc)  # 1899996400


def test_the_turn_credential_matches_the_hand_computed_vector():
    from fair.video.services import turn_credentials

    assert int(NOW.timestamp()) == 1899996400
    assert turn_credentials(SECRET, 42, NOW, 3600) == ("1900000000:42", "etCqqu70LwFcss6CVrB4yILeY3g=")


def test_ice_servers_give_stun_and_turn_only_when_configured():
    from fair.video.services import ice_servers

    assert ice_servers({"STUN_URLS": [], "TURN_URLS": [], "TURN_SECRET": ""}, 42, NOW) == []
    # TURN URLs without a secret would only fail in the browser: they are left out.
    assert ice_servers({"STUN_URLS": ["stun:stun.example.org"], "TURN_URLS": ["turn:turn.example.org"],
                        "TURN_SECRET": ""}, 42, NOW) == [{"urls": ["stun:stun.example.org"]}]
    assert ice_servers({"STUN_URLS": [], "TURN_URLS": ["turn:turn.example.org", "turns:turn.example.org:5349"],
                        "TURN_SECRET": SECRET, "TURN_TTL_SECONDS": 3600}, 42, NOW) == [
        {"urls": ["turn:turn.example.org", "turns:turn.example.org:5349"], "username": "1900000000:42",
         "credential": "etCqqu70LwFcss6CVrB4yILeY3g="}]


def test_the_settings_are_read_from_the_environment(monkeypatch):
    from fair.config import load_config

    monkeypatch.setenv("STUN_URLS", "stun:a.example.org:3478, stun:b.example.org:3478")
    monkeypatch.setenv("TURN_URLS", "turn:turn.example.org:3478?transport=udp")
    monkeypatch.setenv("TURN_SECRET", SECRET)
    monkeypatch.setenv("CALL_OPENS_MINUTES_BEFORE", "5")
    config = load_config({"SECRET_KEY": "x"})
    assert config["STUN_URLS"] == ["stun:a.example.org:3478", "stun:b.example.org:3478"]
    assert config["TURN_URLS"] == ["turn:turn.example.org:3478?transport=udp"]
    assert config["TURN_SECRET"] == SECRET and config["TURN_TTL_SECONDS"] == 4 * 3600
    assert config["CALL_OPENS_MINUTES_BEFORE"] == 5 and config["CALL_CLOSES_MINUTES_AFTER"] == 15


def test_relay_is_forced_only_when_turn_can_carry_it(monkeypatch):
    """Item 13 of issue 14: FORCE_TURN_RELAY without TURN would leave no way to connect."""
    from fair.config import load_config
    from fair.video.services import ice_transport_policy, relayed_candidate

    turn = {"TURN_URLS": ["turn:turn.example.org"], "TURN_SECRET": SECRET}
    assert ice_transport_policy({**turn, "FORCE_TURN_RELAY": True}) == "relay"
    assert ice_transport_policy({**turn, "FORCE_TURN_RELAY": False}) == "all"
    assert ice_transport_policy({"TURN_URLS": [], "TURN_SECRET": "", "FORCE_TURN_RELAY": True}) == "all"
    monkeypatch.setenv("FORCE_TURN_RELAY", "1")
    assert load_config({"SECRET_KEY": "x"})["FORCE_TURN_RELAY"] is True
    assert relayed_candidate("candidate:3 1 udp 41885439 198.51.100.9 60000 typ relay raddr 0.0.0.0 rport 0")
    assert relayed_candidate("")  # end of candidates
    assert not relayed_candidate("candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host")
    assert not relayed_candidate("candidate:2 1 udp 1686052607 203.0.113.7 50001 typ srflx raddr relay rport 9")
