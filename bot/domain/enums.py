"""Every enumerated value of the domain, in one place.

They are `StrEnum`s so they compare equal to the strings stored in the database and sent to
Slack; the storage layer derives its CHECK constraints from them.
"""

from enum import StrEnum


class Market(StrEnum):
    US = "US"
    UK = "UK"
    IE = "IE"
    FR = "FR"
    OTHER = "other"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReviewCadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    OFF = "off"


class Role(StrEnum):
    """A person's role on one campaign (admin is workspace-wide, influencer per engagement)."""

    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"
    LEGAL = "legal"
    INFLUENCER = "influencer"


#: Roles that can be granted with `/campaign role`.
GRANTABLE_ROLES = (Role.MANAGER, Role.MEMBER, Role.LEGAL)


class GuidelineCategory(StrEnum):
    DISCLOSURE = "disclosure"
    DEADLINE = "deadline"
    EXCLUSIVITY = "exclusivity"
    CONDUCT = "conduct"
    CONTENT_APPROVAL = "content_approval"
    BRAND_SAFETY = "brand_safety"
    CONFIDENTIALITY = "confidentiality"
    FAKE_ENGAGEMENT = "fake_engagement"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"
    CRITICAL = "critical"


class InfluencerStatus(StrEnum):
    ACTIVE = "active"
    PROBATION = "probation"
    SUSPENDED = "suspended"
    REMOVED = "removed"


class EngagementStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    PAUSED = "paused"
    TERMINATED = "terminated"


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    X = "x"
    TWITCH = "twitch"
    BLOG = "blog"
    OTHER = "other"


class DeliverableStatus(StrEnum):
    PLANNED = "planned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    LATE = "late"
    CANCELLED = "cancelled"


class ComplianceItem(StrEnum):
    DISCLOSURE_PRESENT = "disclosure_present"
    DISCLOSURE_PLACEMENT = "disclosure_placement"
    NO_COMPETITOR_MENTION = "no_competitor_mention"
    MATCHES_APPROVED_CONTENT = "matches_approved_content"
    BRAND_SAFETY = "brand_safety"


class ComplianceStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    WAIVED = "waived"


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    IN_MEDIATION = "in_mediation"
    RESOLUTION_PROPOSED = "resolution_proposed"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Outcome(StrEnum):
    NO_ACTION = "no_action"
    WARNING = "warning"
    CORRECTIVE_ACTION = "corrective_action"
    CONTENT_REMOVAL = "content_removal"
    FEE_REDUCTION = "fee_reduction"
    PAYMENT_WITHHELD = "payment_withheld"
    CONTRACT_TERMINATED = "contract_terminated"


class IncidentEventKind(StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    RESPONSE = "response"
    THREAD_REPLY = "thread_reply"
    EVIDENCE_ADDED = "evidence_added"
    REMINDER_SENT = "reminder_sent"
    ESCALATED = "escalated"
    RESOLUTION_PROPOSED = "resolution_proposed"
    NOTE = "note"
    #: A snapshotted message, or one in the mediation thread, edited or deleted after the report.
    MESSAGE_EDITED = "message_edited"
    MESSAGE_DELETED = "message_deleted"


class ReminderKind(StrEnum):
    GUIDELINES_UNACKNOWLEDGED = "guidelines_unacknowledged"
    DELIVERABLE_DUE = "deliverable_due"
    DELIVERABLE_OVERDUE = "deliverable_overdue"
    COMPLIANCE_PENDING = "compliance_pending"
    MEDIATION_RESPONSE = "mediation_response"
    INCIDENT_UNRESOLVED = "incident_unresolved"
    REVIEW_DUE = "review_due"
    WEEKLY_DIGEST = "weekly_digest"  # Monday morning, to each manager of an active campaign
    #: Ghosting: the influencer has not answered a brand message that asked them something.
    GHOSTING_REMINDER = "ghosting_reminder"  # in that message's thread
    GHOSTING_FLAG = "ghosting_flag"  # to each manager, privately


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    FAILED = "failed"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of an enum, in declaration order."""
    return tuple(member.value for member in enum)
