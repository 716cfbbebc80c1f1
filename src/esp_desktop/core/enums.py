"""Closed vocabularies of the ESP domain.

Values are stable strings: they are stored in the database, written to JSON exports and sent over sync, so
never rename a value (add a migration instead). Human labels live in ``LABELS``.
"""

from __future__ import annotations

from enum import StrEnum


class Audience(StrEnum):
    """A record's audience label: who may read it (``core.policy`` holds the rule)."""

    CT_PRIVATE = "ct_private"
    EDUCATOR = "educator"
    PANEL = "panel"
    ADMIN = "admin"


class ReaderKind(StrEnum):
    """Who is reading an export, a report or a sync feed (names and scopes: ``core.policy``)."""

    CT = "ct"
    EDUCATOR = "educator"  # one educator, their own case
    PANEL = "panel"  # the ESP Panel
    ADMIN = "admin"  # the school administrator (principal/evaluator at the educator's site)
    PROGRAM_OFFICE = "program_office"  # esp-central's user management: reads no case content


class Program(StrEnum):
    PA = "PA"  # Peer Assistance: non-evaluative coaching
    PAR = "PAR"  # Peer Assistance & Review: the CT is primary evaluator
    INFORMAL = "informal"  # informal coaching for teachers not eligible for PA/PAR


class EnrolmentStatus(StrEnum):
    REFERRED = "referred"
    INTAKE_SCHEDULED = "intake_scheduled"
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    EXITED = "exited"


class ObservationKind(StrEnum):
    ANNOUNCED = "announced"
    UNANNOUNCED = "unannounced"


class ObservationStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class EvidenceCategory(StrEnum):
    PRODUCTS_OF_PRACTICE = "products_of_practice"
    STUDENT_LEARNING = "student_learning"
    OTHER_EVIDENCE = "other_evidence"


class EvidenceKind(StrEnum):
    OBSERVATION_NOTE = "observation_note"
    ARTIFACT = "artifact"
    STUDENT_WORK = "student_work"
    IEP_DATA_REVIEW = "iep_data_review"
    LESSON_PLAN = "lesson_plan"
    OTHER = "other"


class GoalKind(StrEnum):
    STUDENT_LEARNING = "student_learning"
    PROFESSIONAL_PRACTICE = "professional_practice"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    CLOSED = "closed"
    DISCONTINUED = "discontinued"  # older stores; "closed" is offered now


class CoachingKind(StrEnum):
    CO_TEACHING = "co_teaching"
    MODELLING = "modelling"
    CO_PLANNING = "co_planning"
    LESSON_FEEDBACK = "lesson_feedback"
    PEER_OBSERVATION = "peer_observation"
    PD_RESOURCE = "pd_resource"
    GOAL_SETTING = "goal_setting"
    COUNSELLING = "counselling"
    DATA_REVIEW = "data_review"


class ContactMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    VIDEO = "video"


class PersonRole(StrEnum):
    PRINCIPAL = "principal"
    ASSISTANT_PRINCIPAL = "assistant_principal"
    SITE_COACH = "site_coach"
    PROGRAM_ADMIN = "program_admin"
    PANEL_MEMBER = "panel_member"
    OTHER = "other"


class DocumentKind(StrEnum):
    FORMATIVE = "formative"
    SUMMATIVE = "summative"  # the CT's summative evaluation *recommendation*
    FINAL_EVALUATION = "final_evaluation"  # the final summative evaluation, from the ESP Panel's decision


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"
    SUPERSEDED = "superseded"


class Rating(StrEnum):
    EXEMPLARY = "exemplary"
    PROFICIENT = "proficient"
    NEEDS_IMPROVEMENT = "needs_improvement"
    UNSATISFACTORY = "unsatisfactory"


class PrescriptionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    MET = "met"
    NOT_MET = "not_met"
    CLOSED = "closed"


class PanelDecision(StrEnum):
    """What the ESP Panel decides for a case: the one vocabulary of the screens, the records and the PDFs.

    Which ones apply to a case (PAR or not) is ``core.panel_rules.decision_options``. "No decision yet" is the
    absence of a decision record, not a value.
    """

    ACCEPT_RECOMMENDATION = "accept_recommendation"  # PAR: the CT's recommended ratings become final
    MODIFY_RATING = "modify_rating"  # PAR: the Panel sets other final ratings
    CONTINUE_SUPPORT = "continue_support"
    RELEASE_FROM_PROGRAM = "release_from_program"
    REFER_ELSEWHERE = "refer_elsewhere"
    DEFER = "defer"


class MajorityRule(StrEnum):
    """When a motion of the ESP Panel carries (configurable per program, stored on each meeting)."""

    VOTES_CAST = "majority_of_votes_cast"  # more for than against; abstentions do not count
    MEMBERS_PRESENT = "majority_of_members_present"  # more than half of the members present vote for
    TWO_THIRDS_CAST = "two_thirds_of_votes_cast"  # at least two thirds of the votes cast are for


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


LABELS: dict[str, str] = {
    "ct_private": "CT-private",
    "educator": "Educator",
    "panel": "Panel",
    "admin": "School administrator",
    "program_office": "Program office",
    "PA": "PA (coaching)",
    "PAR": "PAR (evaluation)",
    "informal": "Informal coaching",
    "referred": "Referred",
    "intake_scheduled": "Intake scheduled",
    "enrolled": "Enrolled",
    "completed": "Completed",
    "exited": "Exited",
    "announced": "Announced",
    "unannounced": "Unannounced",
    "in_progress": "In progress",
    "finished": "Finished",
    "products_of_practice": "Products of practice",
    "student_learning": "Student learning",
    "other_evidence": "Other evidence",
    "observation_note": "Observation note",
    "artifact": "Artifact",
    "student_work": "Student work",
    "iep_data_review": "IEP / data review",
    "lesson_plan": "Lesson plan",
    "other": "Other",
    "professional_practice": "Professional practice",
    "active": "Active",
    "met": "Met",
    "partially_met": "Partly met",
    "closed": "Closed",
    "not_met": "Not met",
    "discontinued": "Discontinued",
    "co_teaching": "Co-teaching",
    "modelling": "Modelling",
    "co_planning": "Co-planning",
    "lesson_feedback": "Lesson feedback",
    "peer_observation": "Peer observation",
    "pd_resource": "PD resource",
    "goal_setting": "Goal-setting",
    "counselling": "Counselling",
    "data_review": "Data review",
    "in_person": "In person",
    "phone": "Phone",
    "email": "Email",
    "video": "Video call",
    "principal": "Principal",
    "assistant_principal": "Assistant principal",
    "site_coach": "Site coach",
    "program_admin": "Program administrator",
    "panel_member": "Panel member",
    "formative": "Formative assessment",
    "summative": "Summative evaluation recommendation",
    "final_evaluation": "Final summative evaluation",
    "draft": "Draft",
    "final": "Final",
    "superseded": "Superseded",
    "exemplary": "Exemplary",
    "proficient": "Proficient",
    "needs_improvement": "Needs Improvement",
    "unsatisfactory": "Unsatisfactory",
    "open": "Open",
    "pending": "Pending",
    "accept_recommendation": "Accept the consulting teacher's recommendation",
    "modify_rating": "Modify the recommended ratings",
    "continue_support": "Continue support",
    "release_from_program": "Release from the program",
    "refer_elsewhere": "Refer elsewhere (for example from PA to PAR)",
    "defer": "Defer to a later meeting",
    "majority_of_votes_cast": "Majority of the votes cast",
    "majority_of_members_present": "Majority of the members present",
    "two_thirds_of_votes_cast": "Two thirds of the votes cast",
    "for": "For",
    "against": "Against",
    "abstain": "Abstain",
}


def label(value: str | None) -> str:
    """Human label for an enum value (falls back to the value itself)."""
    if value is None:
        return ""
    return LABELS.get(str(value), str(value).replace("_", " ").capitalize())
