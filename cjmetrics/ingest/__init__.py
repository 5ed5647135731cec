"""Uploads: templates, reading, validation, preview and commit (see pipeline.py)."""

from .pipeline import Prepared, commit, prepare
from .templates import TEMPLATES, Column, Template, register, template_bytes
from . import engagement_templates  # noqa: F401,E402 -- engagement: registers its templates

__all__ = ["Prepared", "commit", "prepare", "TEMPLATES", "Column", "Template", "register",
           "template_bytes"]
