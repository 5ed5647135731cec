"""Typed errors. Each carries a title and a sentence a partnership lead can act on.

The UI shows `title` and `user_message` (never a traceback); the CLI prints them and exits 1.
"""


class CjmetricsError(Exception):
    """Base error: everything cjmetrics raises on purpose derives from this."""

    title = "Something went wrong"

    def __init__(self, user_message: str, *, title: str | None = None):
        super().__init__(user_message)
        self.user_message = user_message
        if title:
            self.title = title


class StoreError(CjmetricsError):
    title = "The data store could not be used"


class StoreLockedError(StoreError):
    title = "The data store is in use"


class NewerStoreError(StoreError):
    title = "The data store is from a newer version of cjmetrics"


class CatalogueError(CjmetricsError):
    title = "The reference catalogue could not be loaded"


class ImportRejected(CjmetricsError):
    title = "Nothing was imported"


# -- access, audit and safe operation --
class ReadOnlyError(StoreError):
    title = "This dashboard is read-only"


class AccessDenied(CjmetricsError):
    title = "You do not have permission to do that"


class DiskFullError(StoreError):
    title = "The disk is full"
