"""Every dialog and secondary window, made by a typed factory.

Each factory imports its window's module when it is first opened, so start-up loads only the
practice window. The signatures say what each window needs and the return types what comes
back, so a renamed class or a wrong argument is caught by mypy and the reader, not at a
click in the room (no class names in strings).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from kapdesk.practice.queries import Database

if TYPE_CHECKING:
    from kapdesk.audio.backend import AudioBackend
    from kapdesk.domain.session import SessionRecord
    from kapdesk.domain.timeutil import Clock
    from kapdesk.ui.amend import (
        AmendNoteDialog,
        CorrectDoseDialog,
        CorrectVitalsDialog,
        StrikeEntryDialog,
        TakeBackStartDialog,
    )
    from kapdesk.ui.audit_trail import AuditTrailDialog
    from kapdesk.ui.client_forms import ClientDialog
    from kapdesk.ui.course_forms import (
        CourseDialog,
        EndCourseDialog,
        OutcomeDialog,
        ScheduleDialog,
        ScreeningDialog,
    )
    from kapdesk.ui.course_view import CourseWindow
    from kapdesk.ui.emergency import EmergencyCard
    from kapdesk.ui.export_preview import ExportDialog
    from kapdesk.ui.forms import FormDialog
    from kapdesk.ui.integration import IntegrationWindow
    from kapdesk.ui.music_library import MusicLibraryDialog
    from kapdesk.ui.notes_review import NotesReview
    from kapdesk.ui.practice_form import PracticeDialog
    from kapdesk.ui.prescribers import PrescribersDialog
    from kapdesk.ui.prescription_forms import OrderDialog, ThresholdsDialog
    from kapdesk.ui.protocols import ProtocolsDialog
    from kapdesk.ui.search import SearchDialog
    from kapdesk.ui.session.preflight import PreflightDialog
    from kapdesk.ui.session.window import SessionWindow

Now = Callable[[], datetime]


# the practice ---------------------------------------------------------------------------
def practice_details(db: Database, parent: QWidget) -> PracticeDialog:
    from kapdesk.ui.practice_form import PracticeDialog

    return PracticeDialog(db, parent)


def protocols(db: Database, parent: QWidget) -> ProtocolsDialog:
    from kapdesk.ui.protocols import ProtocolsDialog

    return ProtocolsDialog(db, parent)


def music_library(db: Database, parent: QWidget) -> MusicLibraryDialog:
    from kapdesk.ui.music_library import MusicLibraryDialog

    return MusicLibraryDialog(db, parent)


def prescribers(db: Database, parent: QWidget) -> PrescribersDialog:
    from kapdesk.ui.prescribers import PrescribersDialog

    return PrescribersDialog(db, parent)


def audit_trail(db: Database, parent: QWidget) -> AuditTrailDialog:
    from kapdesk.ui.audit_trail import AuditTrailDialog

    return AuditTrailDialog(db, parent)


def search_notes(db: Database, parent: QWidget, practice: str = "") -> SearchDialog:
    """``practice``: the file, so that searching as one types runs off the UI thread."""
    from kapdesk.ui.search import SearchDialog

    return SearchDialog(db, parent, practice)


# a client -------------------------------------------------------------------------------
def client_details(db: Database, client_id: int | None, parent: QWidget) -> ClientDialog:
    """A new client when ``client_id`` is None."""
    from kapdesk.ui.client_forms import ClientDialog

    return ClientDialog(db, client_id, parent=parent)


def order(db: Database, client_id: int, parent: QWidget) -> OrderDialog:
    from kapdesk.ui.prescription_forms import OrderDialog

    return OrderDialog(db, client_id, parent=parent)


def thresholds(db: Database, client_id: int, parent: QWidget) -> ThresholdsDialog:
    from kapdesk.ui.prescription_forms import ThresholdsDialog

    return ThresholdsDialog(db, client_id, parent=parent)


def screening(db: Database, client_id: int, parent: QWidget) -> ScreeningDialog:
    from kapdesk.ui.course_forms import ScreeningDialog

    return ScreeningDialog(db, client_id, parent=parent)


def start_course(db: Database, client_id: int, parent: QWidget) -> CourseDialog:
    from kapdesk.ui.course_forms import CourseDialog

    return CourseDialog(db, client_id, parent=parent)


def end_course(db: Database, client_id: int, parent: QWidget) -> EndCourseDialog:
    from kapdesk.ui.course_forms import EndCourseDialog

    return EndCourseDialog(db, client_id, parent=parent)


def schedule(db: Database, client_id: int, parent: QWidget) -> ScheduleDialog:
    from kapdesk.ui.course_forms import ScheduleDialog

    return ScheduleDialog(db, client_id, parent=parent)


def outcome(db: Database, client_id: int, parent: QWidget) -> OutcomeDialog:
    from kapdesk.ui.course_forms import OutcomeDialog

    return OutcomeDialog(db, client_id, parent=parent)


def emergency_card(db: Database, client_id: int, parent: QWidget) -> EmergencyCard:
    from kapdesk.ui.emergency import EmergencyCard

    return EmergencyCard(db, client_id, parent)


def course_overview(db: Database, client_id: int) -> CourseWindow:
    from kapdesk.ui.course_view import CourseWindow

    return CourseWindow(db, client_id)


def export(db: Database, client_id: int, parent: QWidget,
           session_id: int | None = None) -> ExportDialog:
    from kapdesk.ui.export_preview import ExportDialog

    return ExportDialog(db, client_id=client_id, session_id=session_id, parent=parent)


def preflight(db: Database, client_id: int, now: Now, parent: QWidget) -> PreflightDialog:
    from kapdesk.ui.session.preflight import PreflightDialog

    return PreflightDialog(db, client_id, now, parent)


# a session ------------------------------------------------------------------------------
def session_window(db: Database, session_id: int, clock: Clock,
                   audio: AudioBackend | None) -> SessionWindow:
    from kapdesk.ui.session.window import SessionWindow

    return SessionWindow(db, session_id, clock, audio)


def integration_window(db: Database, session_id: int, clock: Clock) -> IntegrationWindow:
    from kapdesk.ui.integration import IntegrationWindow

    return IntegrationWindow(db, session_id, clock)


def notes_review(db: Database, session_id: int, at: str | None, parent: QWidget) -> NotesReview:
    from kapdesk.ui.notes_review import NotesReview

    return NotesReview(db, session_id, at, parent)


def amend_note(db: Database, note_id: int, now: Now, parent: QWidget) -> AmendNoteDialog:
    from kapdesk.ui.amend import AmendNoteDialog

    return AmendNoteDialog(db, note_id, now, parent)


def correct_vitals(db: Database, vitals_id: int, parent: QWidget) -> CorrectVitalsDialog:
    from kapdesk.ui.amend import CorrectVitalsDialog

    return CorrectVitalsDialog(db, vitals_id, parent)


def correct_dose(db: Database, dose_id: int, now: Now, parent: QWidget) -> CorrectDoseDialog:
    from kapdesk.ui.amend import CorrectDoseDialog

    return CorrectDoseDialog(db, dose_id, now, parent)


def strike_out(db: Database, table: str, entry_id: int, now: Now,
               parent: QWidget) -> StrikeEntryDialog:
    from kapdesk.ui.amend import StrikeEntryDialog

    return StrikeEntryDialog(db, table, entry_id, now, parent)


def take_back_start(db: Database, record: SessionRecord, now: Now,
                    parent: QWidget) -> TakeBackStartDialog:
    from kapdesk.ui.amend import TakeBackStartDialog

    return TakeBackStartDialog(db, record, now, parent)


# What the practice window's Client menu opens for a chosen client.
ClientDialogFactory = Callable[[Database, int, QWidget], "FormDialog | EmergencyCard"]
CLIENT_DIALOGS: dict[str, ClientDialogFactory] = {
    "edit": client_details, "order": order, "thresholds": thresholds, "screening": screening,
    "course": start_course, "end_course": end_course, "schedule": schedule,
    "outcome": outcome,
    "emergency": emergency_card,
}
