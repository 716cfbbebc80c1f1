"""SQLAlchemy models of the local (client) store, one module per area; import them from here.

Every synced entity mixes in ``Record`` (``models/base.py``, docs/architecture.md): UUID id, timestamps, version, tombstone,
audience and a dirty flag for sync. Lists (sites, tags, indicator codes) are JSON columns so that each record is a
self-contained document for export and sync. Relationships are by id on purpose: services return detached
snapshots that may cross threads.

The model modules do without ``from __future__ import annotations`` on purpose: SQLAlchemy would ``eval`` every
``Mapped[...]`` string when the classes are declared (about a tenth of the models' import, which an unlock with the
passphrase typed at once waits for; issue 15). Names a model needs only for type checking stay quoted.
"""

from .assessments import Acknowledgement, AssessmentDocument, EducatorResponse, PanelCase, PanelMeeting
from .base import RECORD_TYPES, Base, Record, UTCDateTime, new_id
from .caseload import Enrolment, EvaluationCycle, IntakeMeeting
from .district import AssessmentPost, ObservationPost
from .learning import CatalogEntry, LearningMatch, LearningPriority, PDSession
from .local import AuditEvent, Meta, SearchMap, SearchTerm, SyncConflict, SyncHeldDeletion, SyncRecordState
from .observations import Observation, ScriptNote
from .panel import PanelAttendance, PanelDecisionRecord, PanelMember, PanelMotion
from .people import CTProfile, Educator, Person, Site
from .plans import EducatorPlan, ProgressReport, SelfAssessment
from .support import Attachment, CoachingActivity, Contact, EvidenceItem, Goal, GoalProgress, Prescription

__all__ = [
    "Acknowledgement", "AssessmentDocument", "AssessmentPost", "Attachment", "AuditEvent", "Base", "CTProfile",
    "CatalogEntry", "LearningMatch", "LearningPriority", "PDSession",
    "CoachingActivity", "Contact", "Educator", "EducatorResponse", "Enrolment", "EvaluationCycle", "EvidenceItem", "Goal",
    "GoalProgress", "IntakeMeeting", "Meta", "Observation", "ObservationPost", "PanelCase", "PanelMeeting", "Person",
    "Prescription", "RECORD_TYPES", "Record", "ScriptNote", "SearchMap", "SearchTerm", "Site", "SyncConflict",
    "SyncHeldDeletion", "SyncRecordState", "UTCDateTime", "new_id",
    "EducatorPlan", "PanelAttendance", "PanelDecisionRecord", "PanelMember", "PanelMotion", "ProgressReport",
    "SelfAssessment",
]
