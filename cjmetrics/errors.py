"""Every error cjmetrics raises on purpose, named for what went wrong.

Each carries a title and a sentence a partnership lead can act on: the UI shows `title` and
`user_message` (never a traceback); the CLI prints them and exits 1. Catch a family by its base:
`StoreUnavailable` covers every reason the store cannot be used, `ImportRefused` every reason a
file was not imported.
"""


class CjmetricsError(Exception):
    """Base error: everything cjmetrics raises on purpose derives from this."""

    title = "Something went wrong"

    def __init__(self, user_message: str, *, title: str | None = None):
        super().__init__(user_message)
        self.user_message = user_message
        if title:
            self.title = title


# -- the store --------------------------------------------------------------------------------
class StoreUnavailable(CjmetricsError):
    title = "The data store could not be used"


class StoreInUse(StoreUnavailable):
    title = "The data store is in use"


class StoreTooNew(StoreUnavailable):
    title = "The data store is from a newer version of cjmetrics"


class StoreReadOnly(StoreUnavailable):
    title = "This dashboard is read-only"


class DiskFull(StoreUnavailable):
    title = "The disk is full"


class BackupCorrupt(StoreUnavailable):
    """A backup file that is not a whole, readable cjmetrics store."""

    title = "The backup could not be used"


class CatalogueUnreadable(CjmetricsError):
    title = "The reference catalogue could not be loaded"


# -- what a user asks for --------------------------------------------------------------------
class NotAllowed(CjmetricsError):
    title = "You do not have permission to do that"


class ImportRefused(CjmetricsError):
    title = "Nothing was imported"


class ExportIncomplete(ImportRefused):
    """A file recognised as an export of a tool, but missing what the import needs."""

    title = "The export could not be imported"


class PeriodUnrecognised(CjmetricsError, ValueError):
    """Text that is not a period cjmetrics recognises; the message tells the user what to write."""

    title = "That period was not recognised"


class DeckUnusable(CjmetricsError):
    title = "The deck could not be used"


class ImagesUnavailable(CjmetricsError):
    title = "Images cannot be made on this computer"


class StatementNotWritten(CjmetricsError):
    title = "The participation statement could not be written"


class AnnualReportNotWritten(CjmetricsError):
    title = "The annual report could not be written"
