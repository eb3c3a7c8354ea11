"""SMPP 3.4 (what operators and aggregators speak), with smpplib for the wire format.

`SMS_URL=smpp://system_id:password@host:port?source=FAIR&window=50&timeout=10`

One send batch of the outbox is one connection and one bind_transceiver, reused for every row.
submit_sm are not sent one round trip at a time: up to `window` wait for their submit_sm_resp
(matched by sequence number) while the next ones go, so throughput is bound by the SMSC, not by
the latency. A long text goes as concatenated segments (a UDH 05 00 03 ref total seq before each
segment, as smpplib's `make_parts` does, cut on whole characters by fair.sms.encoding);
data_coding 0 (GSM-7, one septet per octet) or 8 (UCS-2); `registered_delivery=1` asks for
receipts. Receipts (deliver_sm) that come while the batch is bound are kept as SmsReceipt rows;
those that come later are collected by `drain_receipts` (a periodic job, fair/sms/jobs.py).

Errors: a bind refused, a connection that cannot be made or that drops → ConnectionFailure (the
rest of the batch waits for the outbox's retry); ESME_RTHROTTLED, ESME_RMSGQFUL and the SMSC's own
troubles → TemporaryFailure; anything else about the message (ESME_RINVDSTADR…) → PermanentFailure.
"""
from __future__ import annotations

import logging
import random
import select
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import smpplib.client
import smpplib.exceptions
from smpplib import consts, smpp
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fair.mail.models import OutboxMessage
from fair.mail.outbox import ConnectionFailure, PermanentFailure, TemporaryFailure
from fair.sms import encoding
from fair.sms.receipts import Receipt, parse_receipt, store_receipts

log = logging.getLogger("fair.sms")

WINDOW = 50
BOUND = (consts.SMPP_CLIENT_STATE_BOUND_TX, consts.SMPP_CLIENT_STATE_BOUND_RX, consts.SMPP_CLIENT_STATE_BOUND_TRX)
TIMEOUT = 10.0
# Answers that say "not now": retried through the outbox's delays.
TEMPORARY_STATUSES = frozenset({
    0x08,  # ESME_RSYSERR
    0x14,  # ESME_RMSGQFUL
    0x45,  # ESME_RSUBMITFAIL
    0x58,  # ESME_RTHROTTLED
    0x64,  # ESME_RX_T_APPN
    0xFE,  # ESME_RDELIVERYFAILURE
})
STATUS_NAMES = {0x08: "ESME_RSYSERR", 0x0A: "ESME_RINVSRCADR", 0x0B: "ESME_RINVDSTADR",
                0x0D: "ESME_RBINDFAIL", 0x0E: "ESME_RINVPASWD", 0x0F: "ESME_RINVSYSID",
                0x14: "ESME_RMSGQFUL", 0x45: "ESME_RSUBMITFAIL", 0x58: "ESME_RTHROTTLED",
                0x61: "ESME_RINVSCHED", 0x62: "ESME_RINVEXPIRY", 0x64: "ESME_RX_T_APPN",
                0x65: "ESME_RX_P_APPN", 0x66: "ESME_RX_R_APPN"}


@dataclass(frozen=True)
class SmppSettings:
    host: str
    port: int
    system_id: str
    password: str
    source: str = "FAIR"
    window: int = WINDOW
    timeout: float = TIMEOUT

    @classmethod
    def from_url(cls, url: str) -> "SmppSettings":
        parts = urlsplit(url)
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return cls(host=parts.hostname or "localhost", port=parts.port or 2775,
                   system_id=unquote(parts.username or ""), password=unquote(parts.password or ""),
                   source=options.get("source", "FAIR"), window=max(int(options.get("window", WINDOW)), 1),
                   timeout=float(options.get("timeout", TIMEOUT)))


def status_name(status: int) -> str:
    return STATUS_NAMES.get(status, f"status 0x{status:02X}")


def source_address(source: str) -> dict:
    """An alphanumeric sender ("FAIR") or a number."""
    digits = source.lstrip("+")
    if digits.isdigit():
        return {"source_addr_ton": 1, "source_addr_npi": 1, "source_addr": digits}
    return {"source_addr_ton": 5, "source_addr_npi": 0, "source_addr": source[:11]}


class Connection:
    """One bound SMPP session: send PDUs, read what comes back (answers, receipts, enquire_link)."""

    def __init__(self, settings: SmppSettings, bind: str = "bind_transceiver") -> None:
        self.settings = settings
        self.client = smpplib.client.Client(settings.host, settings.port, timeout=settings.timeout,
                                            allow_unknown_opt_params=True)
        self.receipts: list[Receipt] = []
        try:
            self.client.connect()
            getattr(self.client, bind)(system_id=settings.system_id, password=settings.password)
        except smpplib.exceptions.PDUError as exc:
            self.close()
            status = exc.args[1] if len(exc.args) > 1 else 0
            raise ConnectionFailure(f"the SMSC refused the bind: {status_name(status)}") from exc
        except (smpplib.exceptions.ConnectionError, OSError) as exc:
            self.close()
            raise ConnectionFailure(f"cannot reach the SMSC at {settings.host}:{settings.port}") from exc

    def send(self, pdu) -> None:
        try:
            self.client.send_pdu(pdu)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
            raise ConnectionFailure("the SMSC connection dropped") from exc

    def readable(self, timeout: float = 0) -> bool:
        sock = self.client._socket
        return sock is not None and bool(select.select([sock], [], [], timeout)[0])

    def read(self):
        """The next PDU; a receipt or an enquire_link is answered here and gives None."""
        try:
            pdu = self.client.read_pdu()
        except socket.timeout as exc:
            raise ConnectionFailure("the SMSC stopped answering") from exc
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
            raise ConnectionFailure("the SMSC connection dropped") from exc
        if pdu.command not in ("deliver_sm", "enquire_link"):
            return pdu
        if pdu.command == "deliver_sm":
            receipt = parse_receipt(pdu)
            if receipt is not None:
                self.receipts.append(receipt)
        answer = smpp.make_pdu(f"{pdu.command}_resp", client=self.client)
        answer.sequence = pdu.sequence
        self.send(answer)
        return None

    def close(self) -> None:
        client = self.client
        try:
            if client.state in BOUND:
                client.send_pdu(smpp.make_pdu("unbind", client=client))
                deadline = time.monotonic() + 2
                while time.monotonic() < deadline:
                    pdu = self.read()
                    if pdu is not None and pdu.command == "unbind_resp":
                        break
        except (ConnectionFailure, smpplib.exceptions.PDUError, OSError):
            pass
        try:
            client.disconnect()
        except OSError:
            pass


@dataclass
class _InFlight:
    row: OutboxMessage
    parts: int
    ids: list[str] = field(default_factory=list)
    error: Exception | None = None


class SmppSender:
    """The outbox's sender for SMPP: one bind per batch, a window of submit_sm in flight."""

    def __init__(self, session: Session, url: str) -> None:
        self.session = session
        self.settings = SmppSettings.from_url(url)
        self.connection: Connection | None = None
        self.in_flight: dict[int, _InFlight] = {}   # sequence number → its row
        self.done: list[tuple[OutboxMessage, Exception | None]] = []
        self.dead: ConnectionFailure | None = None

    def _connected(self) -> Connection:
        if self.dead is not None:
            raise self.dead
        if self.connection is None:
            self.connection = Connection(self.settings)
        return self.connection

    def send(self, row: OutboxMessage) -> None:
        connection = self._connected()
        fitted = encoding.fit(row.text_body)
        payloads = encoding.encoded_parts(fitted)
        try:
            destination = row.to_address.lstrip("+")
            common = dict(source_address(self.settings.source), dest_addr_ton=1, dest_addr_npi=1,
                          destination_addr=destination, data_coding=fitted.data_coding,
                          registered_delivery=1)
        except Exception as exc:  # pragma: no cover - a row that cannot be built never will be
            raise PermanentFailure(f"cannot build the message: {exc}") from exc
        entry = _InFlight(row, len(payloads))
        reference = random.randint(0, 255)
        for index, payload in enumerate(payloads, start=1):
            while len(self.in_flight) >= self.settings.window:
                self._read_one()
            if len(payloads) > 1:
                payload = bytes((5, 0, 3, reference, len(payloads), index)) + payload
                esm_class = 0x40
            else:
                esm_class = 0
            pdu = smpp.make_pdu("submit_sm", client=connection.client, esm_class=esm_class,
                                short_message=payload, **common)
            try:
                connection.send(pdu)
            except ConnectionFailure as exc:
                self._die(exc)
                raise
            self.in_flight[pdu.sequence] = entry

    def _read_one(self) -> None:
        assert self.connection is not None
        try:
            pdu = self.connection.read()
        except ConnectionFailure as exc:
            self._die(exc)
            raise
        if pdu is None:
            return
        entry = self.in_flight.pop(pdu.sequence, None)
        if entry is None:
            if pdu.command == "generic_nack":
                self._die(ConnectionFailure(f"the SMSC did not understand us: {status_name(pdu.status)}"))
                raise self.dead  # type: ignore[misc]
            return
        status = int(pdu.status or 0)
        if status == 0:
            entry.ids.append(_text(pdu.message_id))
        elif entry.error is None:
            detail = f"the SMSC answered {status_name(status)}"
            entry.error = TemporaryFailure(detail) if status in TEMPORARY_STATUSES else PermanentFailure(detail)
        entry.parts -= 1
        if entry.parts == 0:
            self._settle(entry)

    def _settle(self, entry: _InFlight) -> None:
        if entry.error is None:
            set_committed_value(entry.row, "provider_message_id", entry.ids[0] if entry.ids else None)
            set_committed_value(entry.row, "delivery", "sent")
        self.done.append((entry.row, entry.error))

    def _die(self, exc: ConnectionFailure) -> None:
        """The connection is gone: every row still waiting for an answer is a connection failure."""
        self.dead = exc
        waiting = {id(entry): entry for entry in self.in_flight.values()}
        self.in_flight.clear()
        for entry in waiting.values():
            self.done.append((entry.row, exc))
        if self.connection is not None:
            self._keep_receipts()
            self.connection.close()
            self.connection = None

    def settled(self, wait: bool) -> list[tuple[OutboxMessage, Exception | None]]:
        try:
            if self.connection is not None:
                while self.in_flight and (wait or self.connection.readable()):
                    self._read_one()
        except ConnectionFailure:
            pass  # _die has settled the rest
        done, self.done = self.done, []
        return done

    def _keep_receipts(self) -> None:
        if self.connection is not None and self.connection.receipts:
            store_receipts(self.session, self.connection.receipts)
            self.connection.receipts = []

    def close(self) -> None:
        if self.connection is not None:
            # Receipts read while bound are kept; the batch's final commit writes them.
            try:
                while self.connection.readable():
                    self.connection.read()
            except ConnectionFailure:
                pass
            self._keep_receipts()
            self.connection.close()
            self._keep_receipts()
            self.connection = None


def drain(session: Session, url: str, linger: float = 1.0) -> int:
    """Bind as a receiver, take the receipts the SMSC kept for us while no batch was bound, unbind.
    Returns how many were stored (not committed)."""
    settings = SmppSettings.from_url(url)
    connection = Connection(settings, bind="bind_receiver")
    try:
        while connection.readable(linger):  # until the SMSC has had nothing more to say for `linger`
            connection.read()
    except ConnectionFailure:
        pass
    finally:
        receipts = list(connection.receipts)
        connection.receipts = []
        connection.close()
        receipts += connection.receipts
    store_receipts(session, receipts)
    return len(receipts)


def _text(value) -> str:
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)
