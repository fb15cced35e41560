"""Shared base for configuration sections: unknown keys are errors, and so is a boolean given for a number."""

from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

_NUMBERS = (int, float)


def _numeric(annotation: Any) -> bool:
    """int, float, or an optional/union of them (not bool, which YAML's `true` is meant for)."""
    if annotation in _NUMBERS:
        return True
    args = get_args(annotation)
    return (
        bool(args)
        and all(a in _NUMBERS or a is type(None) for a in args)
        and any(a in _NUMBERS for a in args)
    )


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic reads true as 1 for an int field: `epochs: true` would silently train one epoch
        if (
            isinstance(value, bool)
            and info.field_name
            and _numeric(cls.model_fields[info.field_name].annotation)
        ):
            raise ValueError("expected a number, got a boolean")
        return value
