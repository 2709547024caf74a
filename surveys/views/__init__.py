"""Staff pages for planning, writing, reviewing and publishing surveys: one blueprint, its
pages split by concept (authoring, lifecycle)."""

from surveys.views import (  # noqa: F401 (registers the routes)
    authoring_pages,
    bank_pages,
    lifecycle_pages,
    marks_pages,
)
from surveys.views.common import blueprint

__all__ = ["blueprint"]
