"""Staff pages for planning, writing, reviewing and publishing surveys: one blueprint, its
pages split by concept (authoring, lifecycle)."""

from surveys.views import authoring_pages, lifecycle_pages  # noqa: F401 (registers the routes)
from surveys.views.common import blueprint

__all__ = ["blueprint"]
