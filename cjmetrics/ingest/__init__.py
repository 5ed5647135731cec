"""Uploads: templates, reading, validation, preview and commit (see pipeline.py)."""

from . import engagement_templates  # noqa: F401 - registers the engagement templates
from .pipeline import Prepared, commit, prepare
from .templates import TEMPLATES, Column, Template, register, template_bytes

__all__ = ["Prepared", "commit", "prepare", "TEMPLATES", "Column", "Template", "register",
           "template_bytes"]
