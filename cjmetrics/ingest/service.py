"""One way in for every upload, used by the Upload page and by `cjmetrics import`.

    upload = open_upload(store, data, name, sheet=..., actor=...)   # recognise, check the role
    upload.questions                  # what the file cannot say, each with a suggested answer
    prepared = upload.prepare(answers)                              # validate and preview
    result = upload.commit(prepared)                                # one import, as the actor

A file is either a filled-in template or a tool's export (ingest/formats). Everything that can
go wrong before the store is touched is an ImportRefused with one sentence; the store is only
written by `commit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import access
from .. import survey_mapping as sm
from ..errors import ImportRefused
from ..store import ImportResult, Store, file_sha256
from ..surveys import survey_choices
from . import answer_tables, formats
from .pipeline import Prepared
from .preview import LargeRevisions, change_table, large_revisions
from .read import check_size

fingerprint = file_sha256  # the same file (bytes) gives the same fingerprint

TABLE = "sheet"  # the key of the question "which table of the workbook?"

NEW_SURVEY = sm.NEW  # the answer "create a new survey definition from this export"


def clean_file_name(name: str) -> str:
    """The name as recorded and shown: one line, no control characters (a newline in a file
    name would break every listing of imports)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(name)).strip()
    return cleaned or "upload"


def read_upload(path: Path) -> bytes:
    """A file from disk for the CLI: the size limit is checked before a byte is read."""
    name = clean_file_name(path.name)
    if not path.is_file():
        raise ImportRefused(f"There is no file {clean_file_name(str(path))}.")
    check_size(path.stat().st_size, name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"'{name}' could not be read ({exc.strerror}).") from exc


@dataclass
class Upload:
    """A recognised upload: which kind of file it is and what only the user can tell."""

    store: Store
    data: bytes
    file_name: str
    actor: access.Actor
    sheet: str | None = None
    kind: str | None = None  # a template kind the user chose, or None to recognise
    recognised: formats.Recognised | None = None
    suggested: dict = field(default_factory=dict)

    @property
    def is_export(self) -> bool:
        return self.recognised is not None

    @property
    def is_survey(self) -> bool:
        return self.recognised is not None and self.recognised.format.key == formats.surveys.KEY

    @property
    def description(self) -> str | None:
        return self.recognised.description if self.recognised else None

    @property
    def sheets(self) -> list[str]:
        return list(self.recognised.sheets) if self.recognised else []

    @property
    def questions(self) -> list[formats.Question]:
        """The questions of a tool's export (area, event, period, row mapping)."""
        return list(self.recognised.questions) if self.recognised else []

    def table_question(self, prepared: Prepared | None = None) -> formats.Question | None:
        """Which table of a workbook holding several: each table's sheet -> its title (or the
        sheet's name), the one read now suggested. None for a file with one table. Answered by
        opening the upload again with that sheet (the page's chooser, the CLI's --sheet)."""
        if self.recognised is not None:
            tables = dict(self.recognised.tables) or {s: s for s in self.recognised.sheets}
            read = self.recognised.sheet
        else:
            tables = {s: s for s in (prepared.sheets if prepared is not None else [])}
            read = prepared.sheet if prepared is not None else None
        if len(tables) < 2:
            return None
        return formats.Question(TABLE, "Which table of the workbook?",
                                default=read if read in tables else next(iter(tables)),
                                series=tables)

    def area_choices(self) -> dict[str, str]:
        """area code -> name, in catalogue order: what "which area?" is answered from."""
        areas = self.store.areas()
        return dict(zip(areas["area_code"], areas["name"]))

    def row_mapping(self, question: formats.Question, suggested: dict):
        """A statistics table's rows and the indicator each is imported as, to edit."""
        return answer_tables.row_mapping(question, suggested, self.store.indicators())

    def change_table(self, prepared: Prepared, change: str):
        """The preview's new, revised or unchanged rows in a lead's words and units."""
        return change_table(self.store, prepared, change)

    @property
    def may_create_survey(self) -> bool:
        """A new survey definition changes the catalogue: only an admin may create one, so an
        editor is never offered it."""
        return self.actor.can("admin")

    # -- a survey tool's export: which survey, and how its questions and answers map --
    def survey_choices(self) -> dict[str, str]:
        """survey id -> name; "Create a new survey definition" only for someone who may."""
        choices = survey_choices(self.store)
        if self.may_create_survey:
            choices[NEW_SURVEY] = "Create a new survey definition from this export"
        return choices

    def survey_mapping(self, survey: str, survey_name: str = ""):
        """(mapping, new definition or None, view) for the chosen survey: remembered or
        suggested question mapping, as the user confirms it."""
        export = self.recognised.survey
        mapping, new = sm.mapping_for(self.store, export, survey, survey_name)
        target = new["survey_id"] if new else survey
        return mapping, new, sm.mapping_view(self.store, export, target, mapping, new)

    def survey_answer_view(self, survey: str, mapping: dict):
        return sm.mapping_view(self.store, self.recognised.survey, survey, mapping)

    def open_survey_answers(self, answers: dict) -> list[str]:
        return sm.missing(answers)

    def open_questions(self, answers: dict) -> list[formats.Question]:
        return formats.missing_answers(self.recognised, answers) if self.recognised else []

    def prepare(self, answers: dict | None = None, *, preview: bool = True) -> Prepared:
        """Validate the file (with the user's answers for an export) and preview the change."""
        if self.recognised is None:
            return formats.prepare_template(self.store, self.data, self.file_name,
                                            sheet=self.sheet, kind=self.kind)
        # The answers as given: a suggested area or month is only ever used once the user (or
        # the page, showing it) has given it.
        given = dict(answers or {})
        if self.is_survey and given.get("survey") == NEW_SURVEY:
            access.require("admin", "create a new survey definition", self.actor)
        return formats.prepare_export(self.store, self.data, self.file_name, self.recognised,
                                      given, preview=preview)

    def large_revisions(self, prepared: Prepared) -> LargeRevisions:
        """Revised figures that move by more than the `revision_factor` setting (default 2x):
        shown in the preview, and the import needs them confirmed."""
        return large_revisions(self.store, prepared)

    def commit(self, prepared: Prepared, answers: dict | None = None, *,
               lock_timeout: float | None = None,
               confirm_large_revisions: bool = False) -> ImportResult:
        """Write the prepared upload as the acting user; an export's row mapping is remembered
        for its next release. Refused while a large revision is not confirmed."""
        access.require(access.role_for_kind(prepared.template.kind), "import figures",
                       self.actor)
        large = self.large_revisions(prepared)
        if large and not confirm_large_revisions:
            raise ImportRefused(f"Nothing was imported: {large.sentence} If they are right, "
                                 "confirm the large revisions and import again.")
        if getattr(prepared, "survey_plan", None) and prepared.survey_plan.get("new") is not None:
            access.require("admin", "create a new survey definition", self.actor)
        with access.acting(self.actor):
            result = formats.commit_export(self.store, prepared, who=self.actor.name,
                                           lock_timeout=lock_timeout)
            if self.recognised is not None and result.import_id is not None:
                formats.remember_mapping(self.store, self.recognised, dict(answers or {}),
                                         who=self.actor.name)
        return result


def open_upload(store: Store, data: bytes, file_name: str, *, sheet: str | None = None,
                kind: str | None = None, actor: access.Actor | None = None) -> Upload:
    """Check the acting user may upload, then recognise the file. Raises NotAllowed (before
    any question is asked), ImportRefused for a file that is not a table, ExportIncomplete for an
    export that lacks what an import needs."""
    actor = actor or access.current()
    access.require("editor", "upload figures", actor)
    name = clean_file_name(file_name)
    check_size(len(data), name)
    recognised = formats.recognise(data, name, sheet) if kind is None else None
    suggested = formats.suggested_answers(store, recognised) if recognised is not None else {}
    if recognised is not None and recognised.format.key == formats.surveys.KEY \
            and suggested.get("survey") == NEW_SURVEY and not actor.can("admin"):
        suggested["survey"] = ""  # an editor picks an existing definition; none is proposed
    return Upload(store, data, name, actor, sheet=sheet, kind=kind, recognised=recognised,
                  suggested=suggested)
