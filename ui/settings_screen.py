"""The settings screen, for supervisors: backend URL and token, scanner and scale ports picked from the
ports present, printer targets with a test print. Save validates first and says what is wrong inline.
Reading, saving, listing ports and printing run on a worker thread, never on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station.services.settings import PRINTERS, CurrentSettings, PortInfo, Saved
from ui import style
from ui.core_api import Core
from ui.supervisor_panel import PANEL_STYLE, SAID_IN_FULL, PanelFrame
from ui.widgets import button, label, row

BAUD_RATES = ("9600", "19200", "38400", "57600", "115200")
PROTOCOLS = {"sics": "MT-SICS (Mettler Toledo)", "nci": "NCI (Avery Weigh-Tronix)",
             "toledo8217": "Toledo 8217"}
PRINTER_NAMES = {"label": "Shipping labels (4×6 in)", "item": "Item and LPN labels (2×1 in)",
                 "document": "Documents (slips, receipts, reports)"}
NO_PORT = {"scanner": "none: keyboard-wedge scanners only", "scale": "none: no scale"}


class SettingsScreen(PanelFrame):
    """The station's settings as a form; `closeRequested` asks for the scan screen back."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(core, parent, name="settingsScreen", look=PANEL_STYLE, thread="settings-screen",
                         said_in_full=SAID_IN_FULL)
        self.current: CurrentSettings | None = None
        self.ports: list[PortInfo] = []
        self._build()

    # -- layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.save_button = button("Save", "primary")
        self.save_button.clicked.connect(self.save)
        self.notice = label("panelNotice")
        self.notice.setWordWrap(True)  # a validation message is shown whole
        self.where = label("fieldHint")
        self.where.setWordWrap(True)
        left, right = QGridLayout(), QGridLayout()
        for grid in (left, right):
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(1, 1)
        self._backend(left)
        self._devices(left)
        self._printers(right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        title, gap = label("panelTitle", "Settings"), QWidget()
        layout.addLayout(row(title, gap, self.save_button, self.close_button, stretch=gap))
        layout.addWidget(self.notice)
        layout.addLayout(row(left, 24, right))
        layout.addStretch(1)
        layout.addWidget(self.where)
        self._set_enabled(False)

    def _backend(self, grid: QGridLayout) -> None:
        self.url = QLineEdit()
        self.url.setPlaceholderText("empty: offline, events wait in the outbox")
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("leave empty to keep the token")
        self.token_hint = label("fieldHint")
        _section(grid, "Backend")
        _field(grid, "URL", self.url)
        _field(grid, "Token", self.token, self.token_hint)

    def _devices(self, grid: QGridLayout) -> None:
        self.scanner_port, self.scale_port = _port_combo(NO_PORT["scanner"]), _port_combo(NO_PORT["scale"])
        self.scanner_hint, self.scale_hint = label("fieldHint"), label("fieldHint")
        self.refresh_button = button("Refresh ports")
        self.refresh_button.clicked.connect(self.refresh_ports)
        self.baudrate = QComboBox()
        self.baudrate.setEditable(True)
        self.baudrate.addItems(BAUD_RATES)
        self.protocol = QComboBox()
        for code, name in PROTOCOLS.items():
            self.protocol.addItem(name, code)
        self.tolerance_pct = _spin(0, 100, 1, " %")
        self.tolerance_g = _spin(0, 100_000, 0, " g")
        for combo, hint in ((self.scanner_port, self.scanner_hint), (self.scale_port, self.scale_hint)):
            combo.currentTextChanged.connect(lambda _, c=combo, h=hint: self._show_port(c, h))
        _section(grid, "Scanner", self.refresh_button)
        _field(grid, "Port", self.scanner_port, self.scanner_hint)
        _field(grid, "Baud rate", self.baudrate)
        _section(grid, "Scale")
        _field(grid, "Port", self.scale_port, self.scale_hint)
        _field(grid, "Protocol", self.protocol)
        _field(grid, "Tolerance", self.tolerance_pct)
        _field(grid, "", self.tolerance_g)

    def _printers(self, grid: QGridLayout) -> None:
        self.targets: dict[str, QLineEdit] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.test_results: dict[str, QLabel] = {}
        _section(grid, "Printers")
        for name in PRINTERS:
            target, test, result = QLineEdit(), button("Test print"), label("fieldHint")
            result.setWordWrap(True)
            test.clicked.connect(lambda _=False, printer=name: self.test_print(printer))
            self.targets[name], self.test_buttons[name], self.test_results[name] = target, test, result
            grid.addWidget(label("fieldLabel", PRINTER_NAMES[name]), grid.rowCount(), 0, 1, 3)
            line = grid.rowCount()
            grid.addWidget(label("fieldLabel", "Target"), line, 0)
            grid.addWidget(target, line, 1)
            grid.addWidget(test, line, 2)
            grid.addWidget(result, line + 1, 1, 1, 2)
        self.paper = QComboBox()
        self.paper.addItems(["A4", "Letter"])
        _field(grid, "Paper", self.paper)

    # -- reading ---------------------------------------------------------------------------------------
    def open(self) -> None:
        """Shown: read the file, the token's source and the ports present (on the worker thread)."""
        self.show_notice("Reading the settings…", "plain")
        for result in self.test_results.values():
            _hint(result, "", "plain")
        tools = self._core.supervisor_tools
        self._jobs.run(lambda: (tools().load_settings(), tools().serial_ports()), self._loaded)

    def refresh_ports(self) -> None:
        self.refresh_button.setEnabled(False)
        tools = self._core.supervisor_tools
        self._jobs.run(lambda: tools().serial_ports(), self._ports_read)

    def _loaded(self, result: tuple[CurrentSettings, list[PortInfo]] | Exception) -> None:
        if isinstance(result, Exception):
            self.show_notice(f"Could not read the settings: {result}", "error")
            return
        self.current, self.ports = result
        self.render(self.current)
        self._fill_ports()
        self._set_enabled(True)

    def _ports_read(self, result: list[PortInfo] | Exception) -> None:
        self.refresh_button.setEnabled(True)
        if isinstance(result, Exception):
            self.show_notice(f"Could not list the ports: {result}", "error")
            return
        self.ports = result
        self._fill_ports()
        self.show_notice(f"{len(result)} serial port(s) present", "plain")

    # -- drawing ---------------------------------------------------------------------------------------
    def render(self, current: CurrentSettings) -> None:  # type: ignore[override]
        values = current.values
        self.url.setText(values["backend.url"])
        self.token.clear()
        self.token_hint.setText(f"Token: {current.token}")
        self.scanner_port.setEditText(values["scanner.port"])
        self.scale_port.setEditText(values["scale.port"])
        self.baudrate.setEditText(str(values["scanner.baudrate"]))
        self.protocol.setCurrentIndex(max(0, self.protocol.findData(values["scale.protocol"])))
        self.tolerance_pct.setValue(float(values["scale.tolerance_pct"]))
        self.tolerance_g.setValue(float(values["scale.tolerance_g"]))
        for name, target in self.targets.items():
            target.setText(values[f"printers.{name}.target"])
            target.setPlaceholderText(f"default: {current.defaults[name]}")
        self.paper.setCurrentText(values["printers.document.paper"])
        file_state = "" if current.exists else " (not there yet: saving makes it)"
        self.where.setText(f"Settings file: {current.path}{file_state}. Saved settings take effect when "
                           "the station is restarted; the token is kept in the system keyring, never in the "
                           "file.")
        if current.problem:
            self.show_notice(f"The file as it is does not load: {current.problem}", "error")
        else:
            self.show_notice("", "plain")

    def show_notice(self, text: str, state: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        style.set_state(self.notice, "state", state)

    def _fill_ports(self) -> None:
        for combo, hint in ((self.scanner_port, self.scanner_hint), (self.scale_port, self.scale_hint)):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("")
            for port in self.ports:
                combo.addItem(port.device)
                combo.setItemData(combo.count() - 1, port.description, Qt.ItemDataRole.ToolTipRole)
            combo.setEditText(text)
            combo.blockSignals(False)
            self._show_port(combo, hint)

    def _show_port(self, combo: QComboBox, hint: QLabel) -> None:
        text = combo.currentText().strip()
        present = {p.device: p.description for p in self.ports}
        if not text:
            _hint(hint, "", "plain")
        elif text in present:
            _hint(hint, present[text] or "present", "ok")
        elif "://" in text:
            _hint(hint, "a pyserial URL", "plain")
        else:
            _hint(hint, "not present on this machine", "error")

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.save_button, self.refresh_button, *self.test_buttons.values()):
            widget.setEnabled(enabled)

    # -- acting ----------------------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """Every field's value by config key; the service keeps only those that changed."""
        baudrate = self.baudrate.currentText().strip()
        values: dict[str, Any] = {
            "backend.url": self.url.text(), "scanner.port": self.scanner_port.currentText(),
            "scanner.baudrate": int(baudrate) if baudrate.isdigit() else baudrate,
            "scale.port": self.scale_port.currentText(), "scale.protocol": self.protocol.currentData(),
            "scale.tolerance_pct": self.tolerance_pct.value(), "scale.tolerance_g": self.tolerance_g.value(),
            "printers.document.paper": self.paper.currentText()}
        values.update({f"printers.{name}.target": target.text() for name, target in self.targets.items()})
        return values

    def save(self) -> None:
        """Validate and save on the worker thread; the message (or what is wrong) shows inline."""
        changes, token = self.changes(), self.token.text() or None
        self._set_enabled(False)
        self.show_notice("Saving…", "plain")
        tools = self._core.supervisor_tools
        self._jobs.run(lambda: (tools().save_settings(changes, token), tools().load_settings()), self._saved)

    def _saved(self, result: tuple[Saved, CurrentSettings] | Exception) -> None:
        self._set_enabled(True)
        if isinstance(result, Exception):
            self.show_notice(str(result), "error")
            return
        saved, self.current = result
        self.render(self.current)
        self.show_notice(saved.message, "ok")

    def test_print(self, printer: str) -> None:
        target, paper = self.targets[printer].text(), self.paper.currentText()
        self.test_buttons[printer].setEnabled(False)
        _hint(self.test_results[printer], "Printing a test page…", "plain")
        tools = self._core.supervisor_tools
        self._jobs.run(lambda: tools().test_print(printer, target, paper),
                       lambda result: self._printed(printer, result))

    def _printed(self, printer: str, result: str | Exception) -> None:
        self.test_buttons[printer].setEnabled(True)
        failed = isinstance(result, Exception)
        _hint(self.test_results[printer], str(result), "error" if failed else "ok")


def _section(grid: QGridLayout, title: str, extra: QWidget | None = None) -> None:
    line = grid.rowCount()
    grid.addWidget(label("sectionTitle", title), line, 0, 1, 2 if extra else 3)
    if extra is not None:
        grid.addWidget(extra, line, 2)


def _field(grid: QGridLayout, name: str, widget: QWidget, hint: QLabel | None = None) -> None:
    line = grid.rowCount()
    grid.addWidget(label("fieldLabel", name), line, 0)
    grid.addWidget(widget, line, 1, 1, 2)
    if hint is not None:
        grid.addWidget(hint, line + 1, 1, 1, 2)


def _hint(hint: QLabel, text: str, state: str) -> None:
    hint.setText(text)
    style.set_state(hint, "state", state)


def _port_combo(none: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)  # a pyserial URL (socket://, hwgrep://…) may be typed
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    line = combo.lineEdit()
    if line is not None:
        line.setPlaceholderText(none)
    return combo


def _spin(low: float, high: float, decimals: int, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    return spin
