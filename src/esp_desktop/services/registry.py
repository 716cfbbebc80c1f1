"""Every service over one unlocked store (``esp_desktop.services.Services``; the package imports this module on
first use, so opening the unlock screen does not import SQLAlchemy).

Each service's module is imported the first time the service is used, here and nowhere else (issue 15: the
first caseload after an unlock uses 6 of the 25 services, which ui/preload.py loads with the caseload page; the
others load on its thread once the first screen has been shown, or when first asked for). ``cached_property``
keeps one instance per ``Services``. It takes no lock on Python 3.12+, so a first use from two threads at once may
build a second instance that is dropped: harmless, because a service holds nothing but its ``Services`` (base.py);
a service that keeps state of its own must not be added here without a lock.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ..core.rubric import Rubric, load_rubric
from ..store.vault import Store
from .base import Actor

if TYPE_CHECKING:
    from .assessments import AssessmentService
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

# every service module: ui/preload.py imports them in the background once the first screen has been shown
MODULES = tuple(f"{__package__}.{name}" for name in (
    "calendars", "caseload", "compliance", "observations", "support", "assessments", "panel", "panel_review",
    "final_evaluation", "plans", "progress", "search", "transfer", "district", "roster", "exports", "conflicts",
    "disclosure", "demo", "drafts", "learning",
))


class Services:
    def __init__(self, store: Store, *, actor: Actor | None = None, rubric: Rubric | None = None) -> None:
        self.store = store
        self.actor = actor or Actor()
        self.rubric = rubric or load_rubric()

    @cached_property
    def calendars(self) -> CalendarService:
        from .calendars import CalendarService

        return CalendarService(self)

    @cached_property
    def caseload(self) -> CaseloadService:
        from .caseload import CaseloadService

        return CaseloadService(self)

    @cached_property
    def compliance(self) -> ComplianceService:
        from .compliance import ComplianceService

        return ComplianceService(self)

    @cached_property
    def observations(self) -> ObservationService:
        from .observations import ObservationService

        return ObservationService(self)

    @cached_property
    def evidence(self) -> EvidenceService:
        from .support import EvidenceService

        return EvidenceService(self)

    @cached_property
    def goals(self) -> GoalService:
        from .support import GoalService

        return GoalService(self)

    @cached_property
    def coaching(self) -> CoachingService:
        from .support import CoachingService

        return CoachingService(self)

    @cached_property
    def assessments(self) -> AssessmentService:
        from .assessments import AssessmentService

        return AssessmentService(self)

    @cached_property
    def panel(self) -> PanelService:
        from .panel import PanelService

        return PanelService(self)

    @cached_property
    def panel_review(self) -> PanelReviewService:
        from .panel_review import PanelReviewService

        return PanelReviewService(self)

    @cached_property
    def final_evaluations(self) -> FinalEvaluationService:
        from .final_evaluation import FinalEvaluationService

        return FinalEvaluationService(self)

    @cached_property
    def self_assessments(self) -> SelfAssessmentService:
        from .plans import SelfAssessmentService

        return SelfAssessmentService(self)

    @cached_property
    def plans(self) -> EducatorPlanService:
        from .plans import EducatorPlanService

        return EducatorPlanService(self)

    @cached_property
    def progress(self) -> ProgressReportService:
        from .progress import ProgressReportService

        return ProgressReportService(self)

    @cached_property
    def search(self) -> SearchService:
        from .search import SearchService

        return SearchService(self)

    @cached_property
    def audit(self) -> AuditService:
        from .search import AuditService

        return AuditService(self)

    @cached_property
    def transfer(self) -> TransferService:
        from .transfer import TransferService

        return TransferService(self)

    @cached_property
    def district(self) -> DistrictService:
        from .district import DistrictService

        return DistrictService(self)

    @cached_property
    def roster(self) -> RosterService:
        from .roster import RosterService

        return RosterService(self)

    @cached_property
    def exports(self) -> ExportService:
        from .exports import ExportService

        return ExportService(self)

    @cached_property
    def conflicts(self) -> ConflictService:
        from .conflicts import ConflictService

        return ConflictService(self)

    @cached_property
    def disclosure(self) -> DisclosureService:
        from .disclosure import DisclosureService

        return DisclosureService(self)

    @cached_property
    def demo(self) -> DemoService:
        from .demo import DemoService

        return DemoService(self)

    @cached_property
    def drafts(self) -> DraftService:
        from .drafts import DraftService

        return DraftService(self)

    @cached_property
    def learning(self) -> LearningService:
        from .learning import LearningService

        return LearningService(self)
