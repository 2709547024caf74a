"""The form that sets the panel's target and places' own shares of it."""

from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from panel.forms_common import PanelForm
from panel.recruitment.targets import MAX_TARGET, PanelTargets


class TargetsForm(PanelForm):
    """The total; a field per place (place_<id>) is added by ``targets_form``."""

    total = IntegerField(
        "The panel's target: members in all places together",
        validators=[
            InputRequired("Enter the panel's target"),
            NumberRange(min=1, max=MAX_TARGET, message=f"Enter a number from 1 to {MAX_TARGET:,}"),
        ],
    )


def targets_form(targets: PanelTargets, formdata=None) -> TargetsForm:
    """The form with one optional field per place; empty means "follow the population"."""

    class Form(TargetsForm):
        pass

    for place in targets.places:
        setattr(
            Form,
            f"place_{place.place_id}",
            IntegerField(
                place.name,
                description=(
                    f"Leave empty to follow the population (now {place.target:,})"
                    if not place.set_by_team
                    else "Set by the team; leave empty to follow the population instead"
                ),
                validators=[
                    Optional(),
                    NumberRange(
                        min=0, max=MAX_TARGET, message=f"Enter a number from 0 to {MAX_TARGET:,}"
                    ),
                ],
            ),
        )
    data = {"total": targets.total}
    data.update({f"place_{p.place_id}": p.target for p in targets.places if p.set_by_team})
    return Form(formdata=formdata, data=data)


def place_fields(form: TargetsForm, targets: PanelTargets) -> list:
    """The form's place fields, in the places' order."""
    return [form[f"place_{p.place_id}"] for p in targets.places]
