"""What the health page's plots draw: one column chart per measure, month by month."""

from __future__ import annotations

from dataclasses import dataclass

from panel.panel_health.figures import MEASURES, PanelHealth


@dataclass(frozen=True)
class Point:
    """One month's column."""

    label: str
    value: int

    @property
    def cells(self) -> tuple[str]:
        """The table row's figure."""
        return (f"{self.value:,}",)


@dataclass(frozen=True)
class MonthlyChart:
    """A measure's twelve months, for the chart and its table."""

    key: str
    title: str
    points: list[Point]


def monthly_charts(health: PanelHealth) -> list[MonthlyChart]:
    """A chart per measure over the (visible) panel; duplicates only for months with a scan."""
    charts = []
    for key, title in MEASURES.items():
        points = [
            Point(month.short_label, health.totals[month.key].value(key))
            for month in health.months
            if health.totals[month.key].value(key) is not None
        ]
        if points:
            charts.append(MonthlyChart(key, title, points))
    return charts
