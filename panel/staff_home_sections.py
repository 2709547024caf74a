"""What a package hands the staff home page: a partial template and the values it shows.

Each package offers its own sections (a function of the session, the signed-in staff user and
the time); the composition root collects them, so the staff home imports no package's insides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panel.auth.models import StaffUser


@dataclass(frozen=True)
class StaffHomeSection:
    """One panel on the staff home page: the partial that draws it and what it draws."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)


#: ``section(session, user, now)``: the section to show this user, or None to show nothing.
StaffHomeSectionSource = Callable[[Session, StaffUser, datetime], StaffHomeSection | None]
