"""The one result format of every data-quality check (GX expectations and custom checks alike)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CheckOutcome:
    name: str  # expectation type or custom check name
    success: bool
    column: str | None = None
    severity: str = "error"  # "error" fails the suite; "warn" is reported only
    unexpected_count: int = 0
    element_count: int = 0
    examples: list[str] = field(default_factory=list)
    observed: str = ""
    kind: str = "gx"  # gx | custom

    @property
    def label(self) -> str:
        return f"{self.name}({self.column})" if self.column else self.name


@dataclass
class QualityResult:
    suite: str
    day: str
    checks: list[CheckOutcome]
    n_rows: int = 0

    @property
    def success(self) -> bool:
        return all(c.success for c in self.checks if c.severity == "error")

    @property
    def failed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.success]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "day": self.day,
            "success": self.success,
            "n_rows": self.n_rows,
            "n_checks": len(self.checks),
            "n_failed": sum(1 for c in self.failed if c.severity == "error"),
            "n_warnings": sum(1 for c in self.failed if c.severity == "warn"),
            "checks": [asdict(c) for c in self.checks],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QualityResult:
        return cls(
            suite=d["suite"],
            day=d["day"],
            n_rows=d.get("n_rows", 0),
            checks=[CheckOutcome(**c) for c in d["checks"]],
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    def failure_summary(self) -> str:
        bad = [c for c in self.failed if c.severity == "error"]
        return "; ".join(
            f"{c.label}: {c.unexpected_count} of {c.element_count} unexpected"
            + (f" ({c.observed})" if c.observed else "")
            for c in bad
        )

    def to_markdown(self) -> str:
        lines = [
            f"**{self.suite}** {self.day}: {'passed' if self.success else 'FAILED'} "
            f"({len(self.checks)} checks, {self.n_rows} rows)",
            "",
            "| check | severity | ok | unexpected | of | observed | examples |",
            "|---|---|---|---|---|---|---|",
        ]
        for c in sorted(self.checks, key=lambda c: (c.success, c.severity != "error")):
            ex = ", ".join(str(e)[:40] for e in c.examples[:3]).replace("|", "/")
            obs = str(c.observed).replace("|", "/")[:80]
            lines.append(
                f"| {c.label} | {c.severity} | {'yes' if c.success else '**no**'} | "
                f"{c.unexpected_count} | {c.element_count} | {obs} | {ex} |"
            )
        return "\n".join(lines)
