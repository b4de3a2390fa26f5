"""Long work (WAV export, later AI inference) off the UI thread, with progress, cancel and errors shown
the same way for every caller.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

ProgressCallback = Callable[[float], None]
PROGRESS_STEPS = 1000


class JobCancelled(Exception):
    """Raised inside the work function by its progress callback once the user pressed Cancel."""


class JobSignals(QObject):
    progress = Signal(float)  # 0..1
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Job(QRunnable):
    """Runs `work(progress)` on the thread pool; `progress(fraction)` reports and raises JobCancelled on cancel."""

    def __init__(self, work: Callable[[ProgressCallback], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = JobSignals()
        self._cancel_requested = False

    def cancel(self) -> None:
        self._cancel_requested = True

    def _report(self, fraction: float) -> None:
        if self._cancel_requested:
            raise JobCancelled()
        self.signals.progress.emit(float(fraction))

    def run(self) -> None:
        try:
            result = self.work(self._report)
        except JobCancelled:
            self.signals.cancelled.emit()
        except Exception as error:  # noqa: BLE001 - any failure is reported to the user, not raised in a pool thread
            self.signals.failed.emit(str(error) or type(error).__name__)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class JobRunner(QObject):
    """Starts jobs with a progress dialog and keeps them alive until they finish."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.jobs: list[Job] = []

    def start(self, title: str, label: str, work: Callable[[ProgressCallback], Any],
              on_success: Callable[[Any], None], on_cancel: Callable[[], None] | None = None) -> Job:
        job = Job(work)
        dialog = QProgressDialog(label, "Cancel", 0, PROGRESS_STEPS, self.window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.NonModal)  # the work has its own copy of the song: editing goes on
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(job.cancel)
        job.signals.progress.connect(lambda fraction: dialog.setValue(int(fraction * PROGRESS_STEPS)))
        job.signals.succeeded.connect(on_success)
        job.signals.failed.connect(lambda message: QMessageBox.critical(self.window, title, f"{label}\n\n{message}"))
        if on_cancel is not None:
            job.signals.cancelled.connect(on_cancel)

        def finish() -> None:
            dialog.reset()
            dialog.close()
            dialog.deleteLater()
            self.jobs.remove(job)

        job.signals.finished.connect(finish)
        self.jobs.append(job)
        QThreadPool.globalInstance().start(job)
        return job
