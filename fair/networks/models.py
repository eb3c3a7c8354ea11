"""A network's members: organisations (associations, companies…) that belong to a network organisation."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, utcnow


class NetworkMember(Base):
    """`member` belongs to `network` (an organisation of kind network) since `joined_at`; `referent` is the
    member's named contact for the network and for the companies it works with. A member that left keeps
    its row with `left_at` (the network's past figures still count what it brought)."""

    __tablename__ = "network_members"
    __table_args__ = (UniqueConstraint("network_id", "member_id", name="uq_network_members_network_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    left_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    network: Mapped[Organisation] = relationship(foreign_keys=[network_id])
    member: Mapped[Organisation] = relationship(foreign_keys=[member_id])
    referent: Mapped[User | None] = relationship(foreign_keys=[referent_id])
