"""The calm dark look of every kapdesk window: low contrast glare, large type, no bright reds."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from kapdesk.resources import asset_path

COLORS = {
    "bg": "#14181d",
    "panel": "#1b2027",
    "raised": "#232a33",
    "line": "#2e3641",
    "text": "#d9dee5",
    "muted": "#8d97a4",
    "accent": "#7fa8c9",
    "within": "#8fbf9f",
    "incomplete": "#d6b36a",
    "breach": "#d98c7a",
}

STATUS_COLORS = {"within": COLORS["within"], "incomplete": COLORS["incomplete"],
                 "breach": COLORS["breach"]}

STYLESHEET = """
QWidget {{ background: {bg}; color: {text}; }}
QLabel, QCheckBox {{ background: transparent; }}
QMainWindow::separator {{ background: {line}; width: 1px; }}
QFrame#panel, QTableView, QListView {{ background: {panel}; border: 1px solid {line};
    border-radius: 8px; }}
QTableView {{ gridline-color: transparent; selection-background-color: #26384a;
    selection-color: {text}; alternate-background-color: #1e242c; }}
QTableView::item {{ padding: 6px 8px; border: none; }}
QTableView:focus, QListWidget:focus {{ border-color: {accent}; }}
QHeaderView::section {{ background: {panel}; color: {muted}; border: none;
    border-bottom: 1px solid {line}; padding: 6px 8px; font-size: 14px; }}
QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QComboBox, QDateEdit {{ background: {raised};
    border: 1px solid {line}; border-radius: 6px; padding: 6px 8px;
    selection-background-color: {accent}; selection-color: {bg}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border-color: {accent}; }}
QComboBox, QDateTimeEdit, QSpinBox {{ padding: 3px 8px; min-height: 26px; }}
QComboBox::drop-down {{ border: none; width: 26px; }}
QComboBox::down-arrow, QDateTimeEdit::down-arrow {{ image: url({chevron}); width: 12px;
    height: 12px; }}
QDateTimeEdit::drop-down {{ border: none; width: 26px; }}
QSpinBox::up-button, QSpinBox::down-button {{ border: none; width: 22px; background: transparent; }}
QSpinBox::up-arrow {{ image: url({chevron_up}); width: 10px; height: 10px; }}
QSpinBox::down-arrow {{ image: url({chevron}); width: 10px; height: 10px; }}
QComboBox QAbstractItemView {{ background: {panel}; border: 1px solid {line};
    selection-background-color: #26384a; selection-color: {text}; }}
QPushButton {{ background: {raised}; border: 1px solid {line}; border-radius: 6px;
    padding: 7px 14px; }}
QPushButton:hover {{ border-color: {accent}; }}
QPushButton:default {{ border-color: {accent}; }}
QPushButton:focus {{ border: 2px solid {text}; padding: 6px 13px; outline: none; }}
QLabel#muted {{ color: {muted}; }}
QLabel#title {{ font-size: 22px; font-weight: 600; }}
QLabel#clock {{ font-size: 34px; font-weight: 300; color: {text}; }}
QLabel#badge {{ color: {bg}; background: {incomplete}; border-radius: 4px;
    padding: 2px 8px; font-size: 14px; font-weight: 600; }}
QLabel#warning {{ color: {incomplete}; }}
QFrame#trouble {{ background: {raised}; border-bottom: 1px solid {incomplete}; }}
QLabel#formError {{ color: {incomplete}; background: #2a2619; border: 1px solid #4a4126;
    border-radius: 6px; padding: 8px 10px; }}
*[invalid="true"] {{ border: 1px solid {incomplete}; }}
QLabel#bigNumber {{ font-size: 24px; font-weight: 600; color: {text}; }}
QLabel#bigClock {{ font-size: 52px; font-weight: 300; color: {text}; }}
QLabel#plainClock {{ font-size: 120px; font-weight: 200; color: {muted}; }}
QLabel#clockCaption {{ color: {muted}; font-size: 15px; }}
QLabel#phase {{ font-size: 26px; color: {text}; }}
QLabel#nextStep {{ font-size: 22px; color: {incomplete}; }}
QLabel#nextStepCalm {{ font-size: 22px; color: {text}; }}
QLabel#secondary {{ color: {muted}; font-size: 15px; }}
QLabel#panelTitle {{ font-size: 18px; font-weight: 600; }}
QLabel#verdict {{ font-size: 17px; font-weight: 600; }}
QLabel#cheatsheet {{ color: {muted}; font-size: 14px; }}
QLabel#statusLine {{ color: {within}; font-size: 15px; }}
QLabel#statusLine[warning="true"] {{ color: {incomplete}; }}
QPushButton#smallButton {{ padding: 3px 10px; }}
QPushButton#smallButton:focus, QPushButton#playerButton:focus {{ padding: 2px 9px; }}
QPushButton#kindButton:checked {{ background: #26384a; border-color: {accent}; }}
QPushButton#primary {{ border-color: {accent}; }}
QListWidget {{ background: {panel}; border: 1px solid {line}; border-radius: 8px;
    outline: none; }}
QListWidget::item {{ padding: 6px 8px; }}
QListWidget::item:selected {{ background: #26384a; color: {text}; }}
QStackedWidget#panelStack {{ background: {panel}; border: 1px solid {line};
    border-radius: 8px; }}
QLabel#playerLine {{ color: {muted}; font-size: 15px; }}
QPushButton#playerButton {{ padding: 3px 10px; color: {muted}; }}
QLabel#section {{ color: {muted}; font-size: 14px; font-weight: 600; padding-top: 6px; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ background: transparent; color: {muted}; padding: 8px 16px;
    border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {text}; border-bottom: 2px solid {accent}; }}
QCheckBox::indicator {{ width: 16px; height: 16px; border: 1px solid {muted};
    border-radius: 4px; background: {raised}; }}
QCheckBox::indicator:checked {{ background: {accent}; border-color: {accent};
    image: url({check}); }}
QCheckBox::indicator:focus {{ border-color: {accent}; }}
QPushButton:disabled, QLineEdit:disabled, QComboBox:disabled, QCheckBox:disabled,
QSpinBox:disabled {{
    color: #59626e; border-color: #252c35; }}
QMenuBar {{ background: {bg}; color: {muted}; }}
QMenuBar::item:selected {{ background: {raised}; color: {text}; }}
QMenu {{ background: {panel}; border: 1px solid {line}; }}
QMenu::item {{ padding: 6px 22px; }}
QMenu::item:selected {{ background: {raised}; }}
QStatusBar {{ color: {muted}; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {line}; border-radius: 4px; min-height: 30px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle:horizontal {{ background: {line}; border-radius: 4px; min-width: 30px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
QSplitter::handle {{ background: transparent; width: 12px; }}
QToolTip {{ background: {raised}; color: {text}; border: 1px solid {line}; }}
"""


BASE_FONT_PX = 15


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    # The base size is set on the application font, not in the stylesheet, so every
    # widget's size hints are computed with the font it paints with.
    font = app.font()
    font.setPixelSize(BASE_FONT_PX)
    app.setFont(font)
    palette = QPalette()
    role = QPalette.ColorRole
    for which, key in ((role.Window, "bg"), (role.Base, "panel"), (role.AlternateBase, "raised"),
                       (role.Text, "text"), (role.WindowText, "text"), (role.Button, "raised"),
                       (role.ButtonText, "text"), (role.Highlight, "accent"),
                       (role.HighlightedText, "bg"), (role.ToolTipBase, "raised"),
                       (role.ToolTipText, "text"), (role.PlaceholderText, "muted")):
        palette.setColor(which, QColor(COLORS[key]))
    app.setPalette(palette)
    chevron = asset_path("chevron-down.svg").as_posix()
    chevron_up = asset_path("chevron-up.svg").as_posix()
    # A checked box carries a tick: filled alone, it was hard to tell from an empty one
    # (found by a first-time user, who missed a pre-checked "move the integration").
    check = asset_path("check.svg").as_posix()
    app.setStyleSheet(STYLESHEET.format(**COLORS, chevron=chevron, chevron_up=chevron_up,
                                        check=check))
