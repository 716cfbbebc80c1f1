"""esp_desktop.reports: panel-ready PDF documents rendered from plain view models.

`assemble` builds view models from the core services for one reader; `render_pdf` writes them.
"""

from __future__ import annotations

from esp_desktop.reports.redaction import RedactionError, check_visible
from esp_desktop.reports.render import RenderResult, new_document_id, render_pdf
from esp_desktop.reports.viewmodels import DocumentKind

__all__ = ["DocumentKind", "RedactionError", "RenderResult", "check_visible", "new_document_id", "render_pdf"]
