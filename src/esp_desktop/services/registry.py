"""Every service over one unlocked store (``esp_desktop.services.Services``; the package imports this module on
first use, so opening the unlock screen does not import SQLAlchemy)."""

from __future__ import annotations

from ..core.rubric import Rubric, load_rubric
from ..store.vault import Store
from .assessments import AssessmentService
from .base import Actor
from .calendars import CalendarService
from .caseload import CaseloadService
from .compliance import ComplianceService
from .conflicts import ConflictService
from .demo import DemoService
from .disclosure import DisclosureService
from .district import DistrictService
from .drafts import DraftService
from .exports import ExportService
from .final_evaluation import FinalEvaluationService
from .learning import LearningService
from .observations import ObservationService
from .panel import PanelService
from .panel_review import PanelReviewService
from .plans import EducatorPlanService, SelfAssessmentService
from .progress import ProgressReportService
from .roster import RosterService
from .search import AuditService, SearchService
from .support import CoachingService, EvidenceService, GoalService
from .transfer import TransferService


class Services:
    def __init__(self, store: Store, *, actor: Actor | None = None, rubric: Rubric | None = None) -> None:
        self.store = store
        self.actor = actor or Actor()
        self.rubric = rubric or load_rubric()
        self.calendars = CalendarService(self)
        self.caseload = CaseloadService(self)
        self.compliance = ComplianceService(self)
        self.observations = ObservationService(self)
        self.evidence = EvidenceService(self)
        self.goals = GoalService(self)
        self.coaching = CoachingService(self)
        self.assessments = AssessmentService(self)
        self.panel = PanelService(self)
        self.panel_review = PanelReviewService(self)
        self.final_evaluations = FinalEvaluationService(self)
        self.self_assessments = SelfAssessmentService(self)
        self.plans = EducatorPlanService(self)
        self.progress = ProgressReportService(self)
        self.search = SearchService(self)
        self.audit = AuditService(self)
        self.transfer = TransferService(self)
        self.district = DistrictService(self)
        self.roster = RosterService(self)
        self.exports = ExportService(self)
        self.conflicts = ConflictService(self)
        self.disclosure = DisclosureService(self)
        self.demo = DemoService(self)
        self.drafts = DraftService(self)
        self.learning = LearningService(self)
