"""What became of people after a fair: a job or a training, with its contract, and how it held.

An `Outcome` is recorded by a recruiter (from an interview or an application: `booking_id`,
`application_id`) or by an adviser for a person they follow (possibly with an employer that had
no booth: `employer_name`). A pre-hiring training (POEC, a GEIQ path) is a `TrainingCohort`; a
trainee's outcome of contract `training` names it, and so does their later job ("a CDI after the
training"), which is how the cohort's results are counted.

`FollowUp`: at the hire, then 1, 3 and 6 months after its start, the person is asked whether they
are still in the job (one-tap answers from a mail or an SMS through a `fair.links` token); their
adviser sees the answer and can answer for them.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fair.accounts.models import Organisation, User
from fair.db import Base, UTCDateTime, enum_column, utcnow


class ContractType(str, enum.Enum):
    cdi = "cdi"
    cdd_long = "cdd_long"            # CDD of 6 months or more
    cdd_short = "cdd_short"          # CDD of less than 6 months
    temporary = "temporary"          # temporary work (intérim)
    apprenticeship = "apprenticeship"
    professionalisation = "professionalisation"
    insertion = "insertion"          # a contract with an insertion employer (SIAE: CDDI, mission…)
    training = "training"            # a pre-hiring or qualifying training (POEC, GEIQ path…)


class RecordedAs(str, enum.Enum):
    recruiter = "recruiter"
    adviser = "adviser"


class CohortKind(str, enum.Enum):
    poec = "poec"      # préparation opérationnelle à l'emploi collective
    geiq = "geiq"      # a path with a groupement d'employeurs pour l'insertion et la qualification
    other = "other"


class TrainingCohort(Base):
    __tablename__ = "training_cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who runs it: an organiser, a company or a partner organisation.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CohortKind] = mapped_column(enum_column(CohortKind, "cohort_kind"), default=CohortKind.poec)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class Outcome(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The fair it came from (reports count it there); none for an outcome an adviser records later.
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("jobdating_bookings.id", ondelete="SET NULL"),
                                                   index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"),
                                                       index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("training_cohorts.id", ondelete="SET NULL"), index=True)
    contract: Mapped[ContractType] = mapped_column(enum_column(ContractType, "outcome_contract"))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    weekly_hours: Mapped[float | None] = mapped_column(Float)
    # Counted under a social clause of a public contract, and which one (its name or reference).
    social_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    social_clause_contract: Mapped[str] = mapped_column(String(200), default="")
    recorded_as: Mapped[RecordedAs] = mapped_column(enum_column(RecordedAs, "outcome_recorded_as"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    company: Mapped[Organisation | None] = relationship(foreign_keys=[company_id])
    cohort: Mapped[TrainingCohort | None] = relationship()


class AnsweredBy(str, enum.Enum):
    person = "person"
    adviser = "adviser"


# Months after the start at which the person is asked; 0 is at the hire itself.
FOLLOW_UP_MONTHS = (0, 1, 3, 6)


class FollowUp(Base):
    __tablename__ = "outcome_follow_ups"
    __table_args__ = (UniqueConstraint("outcome_id", "months", name="uq_outcome_follow_ups_outcome_months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    in_job: Mapped[bool | None] = mapped_column(Boolean)
    contract: Mapped[ContractType | None] = mapped_column(enum_column(ContractType, "follow_up_contract"))
    answered_by: Mapped[AnsweredBy | None] = mapped_column(enum_column(AnsweredBy, "follow_up_answered_by"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    outcome: Mapped[Outcome] = relationship()
