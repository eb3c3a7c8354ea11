"""Imports every model so that the metadata is complete (Alembic, tests, create_all)."""
from fair.accounts.consent import ConsentRecord  # noqa: F401
from fair.accounts.models import (  # noqa: F401
    JoinRequest,
    Membership,
    Organisation,
    PasswordResetToken,
    PhoneSignInCode,
    RecoveryCode,
    TeamInvitation,
    User,
    UserSession,
)
from fair.api.models import ApiToken  # noqa: F401
from fair.audit import AuditEntry  # noqa: F401
from fair.calendar.models import CalendarEntry, CalendarFeed, ReminderOffsets  # noqa: F401
from fair.callbacks.models import CallbackRequest  # noqa: F401
from fair.candidates.models import (  # noqa: F401
    AdviserNote,
    Application,
    ApplicationChange,
    CandidateCv,
    CandidateProfile,
    CvAccess,
    Referral,
)
from fair.checkin.models import CheckIn  # noqa: F401
from fair.companies.models import Booth, BoothDocument, BoothStaff, Offer  # noqa: F401
from fair.db import Base  # noqa: F401
from fair.exports.models import Export  # noqa: F401
from fair.fairs.models import (  # noqa: F401
    BulkInvitation,
    BulkRecipient,
    Edition,
    EditionOrganiser,
    EditionPartner,
    Invitation,
)
from fair.instance import InstanceSettings  # noqa: F401
from fair.jobdating.models import Availability, Booking, Slot, WaitlistEntry  # noqa: F401
from fair.jobs import HeldJob  # noqa: F401
from fair.links import ActionToken  # noqa: F401
from fair.live.chat import ChatMessage, ChatMute, PrivateMessage  # noqa: F401
from fair.live.models import Announcement, LiveBooth, QueueEntry  # noqa: F401
from fair.mail.models import DevMail, MailUnsubscribe, OutboxMessage  # noqa: F401
from fair.needs.models import NeedProposal, RecruitmentNeed  # noqa: F401
from fair.networks.models import NetworkMember  # noqa: F401
from fair.oidc.models import OidcIdentity  # noqa: F401
from fair.outcomes.models import FollowUp, Outcome, TrainingCohort  # noqa: F401
from fair.pipeline.models import PipelineEntry, PipelineNote  # noqa: F401
from fair.privacy.models import DataExport  # noqa: F401
from fair.sms.models import SmsReceipt  # noqa: F401
from fair.surveys.models import SurveyResponse  # noqa: F401
from fair.territory.models import QpvZone  # noqa: F401
from fair.video.models import CallRoom  # noqa: F401
from fair.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription  # noqa: F401
from fair.webinars.models import Webinar, WebinarQuestion, WebinarRegistration, WebinarVote  # noqa: F401
