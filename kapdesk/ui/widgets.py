"""Small widget builders shared by the windows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QWidget,
)


class RowTable(QTableView):
    """A table chosen from by rows: Home and End go to the first and last row (a table of
    cells takes them to the row's first and last cell, which here do nothing)."""

    def moveCursor(self, action, modifiers):  # noqa: N802 (Qt's name)
        rows = self.model().rowCount() if self.model() is not None else 0
        if rows and action in (QAbstractItemView.CursorAction.MoveHome,
                               QAbstractItemView.CursorAction.MoveEnd):
            row = 0 if action == QAbstractItemView.CursorAction.MoveHome else rows - 1
            return self.model().index(row, max(self.currentIndex().column(), 0))
        return super().moveCursor(action, modifiers)


def table(model, *, sized_by_rows: bool = True) -> QTableView:
    """A read-only table of rows; Tab leaves it (arrows move inside), as in a form. Its
    columns follow each new set of rows unless ``sized_by_rows`` is False."""
    view = RowTable()
    view.setTabKeyNavigation(False)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(38)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    # Size the columns once per new set of rows; ResizeToContents would ask every cell
    # again on each layout pass. A list that can grow long (the practice's clients) fixes
    # its columns instead.
    source = getattr(model, "sourceModel", lambda: model)()
    if sized_by_rows and hasattr(source, "rows_set"):
        source.rows_set.connect(view.resizeColumnsToContents)
    return view


class ShortcutsFirst(QObject):
    """The window's shortcuts go before a text field's editing keys. Under X11 a line edit
    claims Ctrl+E (end of line) and a few other Ctrl keys as its own, so "Edit details
    Ctrl+E" did nothing while the cursor was in "Find a client", where it is at start
    (found by a first-time user). Keys no action of the window has stay the field's."""

    def __init__(self, field: QWidget, window: QWidget) -> None:
        super().__init__(field)
        self._window = window
        field.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            exact = QKeySequence.SequenceMatch.ExactMatch
            if any(action.isEnabled() and any(s.matches(pressed) == exact
                                              for s in action.shortcuts())
                   for action in self._window.findChildren(QAction)):
                event.ignore()  # not the field's: the shortcut runs
                return True
        return False


def restyle(widget: QWidget, name: str | None = None, **properties: object) -> None:
    """Give ``widget`` the theme's look for a new object ``name`` or dynamic ``properties``
    (``invalid``, ``warning``) now: Qt applies either only when the widget is polished
    again."""
    if name is not None:
        widget.setObjectName(name)
    for key, value in properties.items():
        widget.setProperty(key, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def pressed_focused_button(window: QWidget, event) -> bool:
    """Enter on a focused button presses it, in any window (Qt leaves that to dialogs'
    default buttons: in a form, Enter on a focused Cancel once started a session, and in
    a window, Enter on a focused button did nothing). True when it did."""
    focused = window.focusWidget()
    if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused,
                                                                           QPushButton):
        focused.click()
        return True
    return False


def show_current_when_laid_out(view: QAbstractItemView) -> None:
    """Scroll the view's current row to its middle once the view has been laid out: before,
    new rows have no height yet and the scroll range may still be the last content's."""
    def scroll() -> None:
        view.doItemsLayout()
        if view.currentIndex().isValid():
            view.scrollTo(view.currentIndex(), QAbstractItemView.ScrollHint.PositionAtCenter)

    QTimer.singleShot(0, view, scroll)


def label(text: str = "", name: str | None = None, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def no_default_buttons(dialog: QWidget) -> None:
    """In a dialog every push button is auto-default, so Enter in any field 'clicks' one
    (e.g. opens a file chooser). Where Enter should only do what its field means, none is."""
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


class FittingScroll(QScrollArea):
    """Scrolls its content only when the screen is too small for it.

    A plain QScrollArea asks for a fixed modest size whatever it holds, so a form would
    open with a needless scrollbar; this one asks for its content's full size and lets the
    window shrink below it (the window is fitted to the screen when shown)."""

    def __init__(self, content: QWidget) -> None:
        super().__init__()
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop of its own (an invisible one, found by a first-time user); the
        # field with the focus is scrolled into view.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:  # noqa: N802
        """The content's size at the width it will have: wrapped labels guess their
        height for a narrower width, and a form opened with a blank band of that guess
        (the pre-flight's last line sat in ~100 px; found by a first-time user)."""
        content = self.widget()
        inner = content.sizeHint()
        width = max(inner.width(), self.viewport().width() if self.isVisible() else 0)
        height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     (height if height > 0 else inner.height()) + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.widget().minimumSizeHint().width()
                     + self.verticalScrollBar().sizeHint().width(), 80)


class ElidedLabel(QLabel):
    """One line that ends in … when there is no room, instead of widening its window.
    The whole text stays in the tooltip and in :meth:`full_text`. A heading that is
    ``whole_or_nothing`` shows nothing rather than a cut word ("Th…" said nothing)."""

    def __init__(self, text: str = "", name: str | None = None, *,
                 whole_or_nothing: bool = False) -> None:
        super().__init__()
        if name:
            self.setObjectName(name)
        self._whole_or_nothing = whole_or_nothing
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:  # the whole text, as written; the screen may show it elided
        return self._full

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8,
                     super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 2, 20)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        super().setText("" if self._whole_or_nothing and shown != self._full else shown)


class CurrentPageStack(QStackedWidget):
    """A stack of pages that can be sized by the page shown instead of the largest page.

    Qt sizes a stack by every page. While any page may come up (a live session's panels)
    that is right: the window keeps room for the widest. Where only one page ever shows (a
    review's moment), ``sized_by_current`` stops the others, never shown there, from
    widening the window past a laptop's screen."""

    def __init__(self) -> None:
        super().__init__()
        self.sized_by_current = False
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def set_sized_by_current(self, on: bool) -> None:
        if on != self.sized_by_current:
            self.sized_by_current = on
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        if self.sized_by_current and page is not None:
            return page.sizeHint()
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        page = self.currentWidget()
        if self.sized_by_current and page is not None:
            return page.minimumSizeHint()
        return super().minimumSizeHint()
