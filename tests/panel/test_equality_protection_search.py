"""Generated search for a way round the equality-data rule (panel.segments.services.
special_category), on the small panel of tests/panel/equality_panel.py.

Hypothesis draws sequences of segment definitions (random AND/OR/NOT trees over every field,
special category ones included) and runs them as a place team and an observer through the
services: save, counts net of caps and pauses, fair selection, the selection page and its export,
and inviting people (which moves the caps), beside segments and selections the comms team shares
with the places. The same sequence is then run again after every member's special category
answers have been redrawn. Every figure, selection and export the place team or observer got must
be the same in both runs: then nothing they can combine (differences, negations, unions, before
and after an invitation) tells anything about anyone's answers, let alone a count from 1 to 7.
Each refusal must happen exactly when the step leans on a special category condition, and be
audited.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import event, given
from hypothesis import strategies as st

from panel.audit.models import AuditEvent
from panel.members.models import Member
from panel.segments.definition import FIELDS, SegmentDefinitionError, field_options
from panel.segments.forms import SELECTION_FEATURES
from panel.segments.selection import SelectionError
from panel.segments.services import fair_selection
from panel.segments.services.fatigue import record_invitations
from panel.segments.services.figures import segment_figures
from panel.segments.services.segments import create_segment, members_matching, save_definition
from panel.segments.services.special_category import (
    REFUSED,
    SPECIAL_CATEGORY_FIELDS,
    USED,
    SpecialCategoryRefused,
    Use,
    special_category_fields,
)
from tests.factories import place
from tests.panel.equality_panel import (
    NOW,
    PLACES,
    SEARCH,
    SPECIAL_COLUMNS,
    SPECIAL_OPTIONS,
    build_panel,
)

# --- strategies ------------------------------------------------------------------------------


def trees(options: dict[str, list[str]]):
    """Random condition trees over every field, under a root group as the builder makes them."""

    def leaf(key):
        field = FIELDS[key]
        negate = st.booleans()
        if field.kind in ("choice", "topics"):
            values = st.lists(st.sampled_from(options[key]), min_size=1, max_size=3, unique=True)
            return st.builds(
                lambda v, n: {"type": "condition", "field": key, "negate": n, "values": v},
                values,
                negate,
            )
        if field.kind == "joined":
            day = st.dates(date(2025, 6, 1), date(2026, 12, 1)).map(date.isoformat)
            return st.builds(
                lambda a, b, n: {
                    "type": "condition",
                    "field": key,
                    "negate": n,
                    "after": a,
                    "before": b,
                },
                st.one_of(st.none(), day),
                day,
                negate,
            )
        return st.builds(
            lambda m, n: {"type": "condition", "field": key, "negate": n, "months": m},
            st.integers(1, 24),
            negate,
        )

    def group(items):
        return st.builds(
            lambda op, negate, parts: {"type": "group", "op": op, "negate": negate, "items": parts},
            st.sampled_from(["and", "or"]),
            st.booleans(),
            items,
        )

    special = sorted(SPECIAL_CATEGORY_FIELDS)
    leaves = st.one_of(
        st.sampled_from(sorted(FIELDS)).flatmap(leaf), st.sampled_from(special).flatmap(leaf)
    )
    nodes = st.recursive(leaves, lambda inner: group(st.lists(inner, max_size=3)), max_leaves=5)
    return group(st.lists(nodes, max_size=3))


def operations(options):
    tree = trees(options)
    index = st.integers(0, 30)
    features = st.lists(
        st.sampled_from([key for key, _label in SELECTION_FEATURES]),
        min_size=1,
        max_size=3,
        unique=True,
    )
    return st.lists(
        st.one_of(
            st.tuples(st.just("build"), st.sampled_from(PLACES), tree),
            st.tuples(st.just("edit"), index, tree),
            st.tuples(st.just("comms_build"), st.sampled_from(PLACES), tree),
            st.tuples(st.just("comms_edit"), index, tree),
            st.tuples(st.just("figures"), index, st.sampled_from(["place", "observer"])),
            st.tuples(st.just("select"), index, st.integers(1, 6), features, st.integers(0, 99)),
            st.tuples(st.just("comms_select"), index, st.integers(1, 4), features),
            st.tuples(st.just("view"), index),
            st.tuples(st.just("export"), index),
            st.tuples(st.just("invite"), index),
        ),
        min_size=1,
        max_size=8,
    )


# --- running a sequence ----------------------------------------------------------------------


class Run:
    """Runs one sequence, returns what the place team and observer were given, and checks each
    step's refusal against the rule as it goes."""

    def __init__(self, session, staff, shared):
        self.session, self.staff = session, staff
        self.segments, self.selections = list(shared["segments"]), list(shared["selections"])
        self.seen, self.refusals = [], 0

    def refused(self, expected: bool, call):
        try:
            result = call()
        except SpecialCategoryRefused as error:
            assert expected, f"refused without a special category condition: {error}"
            self.refusals += 1
            return ("refused", str(error))
        assert not expected, "a special category condition went through for a place team"
        return result

    def new_segment(self, user, code, tree):
        segment = create_segment(
            self.session, user, "Generated", "", place(self.session, code).id, NOW
        )
        self.segments.append(segment)
        return self.edit(user, segment, tree)

    def edit(self, user, segment, tree):
        special = bool(special_category_fields(tree)) and user is not self.staff["comms"]
        try:
            return self.refused(
                special, lambda: save_definition(self.session, user, segment, tree, NOW) or "saved"
            )
        except SegmentDefinitionError as error:
            return ("invalid", str(error))

    def pick(self, pool, index):
        return pool[index % len(pool)] if pool else None

    def step(self, operation):
        kind, *args = operation
        place_team, comms = self.staff["place"], self.staff["comms"]
        if kind in ("build", "comms_build"):
            user = place_team if kind == "build" else comms
            outcome = self.new_segment(user, args[0], args[1])
            return outcome if kind == "build" else None
        segment = self.pick(self.segments, args[0])
        if kind in ("edit", "comms_edit") and segment is not None:
            outcome = self.edit(place_team if kind == "edit" else comms, segment, args[1])
            return outcome if kind == "edit" else None
        if kind == "figures" and segment is not None:
            figures = segment_figures(self.session, segment, self.staff[args[1]], NOW)
            assert bool(figures.withheld) == bool(special_category_fields(segment.definition))
            self.refusals += bool(figures.withheld)
            return ("figures withheld" if figures.withheld else "figures", figures)
        if kind == "select" and segment is not None:
            number, features, seed = args[1:]
            leans = bool(special_category_fields(segment.definition)) or bool(
                set(features) & SPECIAL_CATEGORY_FIELDS
            )
            return self.select(place_team, segment, number, features, seed, leans)
        if kind == "comms_select" and segment is not None:
            if not special_category_fields(segment.definition):
                # Whether the comms team can select from a special category segment depends on
                # its size; that is the comms team's action, not something the place team did.
                self.select(comms, segment, args[1], args[2], 7, False)
            return None
        selection = self.pick(self.selections, args[0])
        if kind == "view" and selection is not None:
            withheld = fair_selection.selection_withheld(self.session, place_team, selection, NOW)
            assert bool(withheld) == bool(selection.special_category_fields)
            self.refusals += bool(withheld)
            if withheld:
                return ("view withheld", withheld)
            return ("view", selection.member_ids, selection.report)
        if kind == "export" and selection is not None:
            return self.refused(
                bool(selection.special_category_fields),
                lambda: (
                    "exported",
                    fair_selection.export_selection_csv(self.session, place_team, selection, NOW),
                ),
            )
        if kind == "invite" and segment is not None:
            return self.refused(
                bool(special_category_fields(segment.definition)),
                lambda: self.invite(place_team, segment),
            )
        return None

    def select(self, user, segment, number, features, seed, leans):
        def run():
            made = fair_selection.run_fair_selection(
                self.session, user, segment, number, features, seed, NOW
            )
            self.selections.append(made)
            return ("selected", made.member_ids, made.report)

        try:
            return self.refused(leans, run)
        except SelectionError as error:
            return ("selection error", str(error))

    def invite(self, user, segment):
        query = members_matching(
            self.session, segment.definition, user, NOW, segment.place_id, use=Use.SURVEY
        )
        ids = sorted(self.session.scalars(query.with_only_columns(Member.id)))
        record_invitations(self.session, ids, 1, NOW - timedelta(hours=1))
        return ("invited", ids)

    def __call__(self, operations_to_run) -> list:
        audits_before = self.count(REFUSED)
        for operation in operations_to_run:
            outcome = self.step(operation)
            # Shown by --hypothesis-show-statistics: how often each kind of step got through.
            event(f"{operation[0]}: {outcome[0] if isinstance(outcome, tuple) else outcome}")
            self.seen.append(outcome)
        assert self.count(REFUSED) - audits_before == self.refusals
        used_by = self.session.scalars(
            sa.select(AuditEvent.staff_user_id).where(AuditEvent.action == USED)
        ).all()
        assert set(used_by) <= {self.staff["comms"].id}
        return self.seen

    def count(self, action):
        return self.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


def shared_by_comms(session, comms):
    """What the comms team has already shared with the places: segments on special category
    fields and not, and selections balanced on them and not."""
    blackpool, lancashire = (place(session, code).id for code in PLACES)
    made = []
    for place_id, tree in [
        (
            blackpool,
            {
                "type": "group",
                "op": "and",
                "negate": False,
                "items": [
                    {
                        "type": "condition",
                        "field": "ethnic_group",
                        "negate": False,
                        "values": ["13"],
                    }
                ],
            },
        ),
        (
            lancashire,
            {
                "type": "group",
                "op": "or",
                "negate": True,
                "items": [
                    {"type": "condition", "field": "religion", "negate": False, "values": ["none"]},
                    {"type": "condition", "field": "age_band", "negate": False, "values": ["75+"]},
                ],
            },
        ),
        (blackpool, {"type": "group", "op": "and", "negate": False, "items": []}),
        (
            lancashire,
            {
                "type": "group",
                "op": "and",
                "negate": False,
                "items": [
                    {"type": "condition", "field": "sex", "negate": True, "values": ["male"]}
                ],
            },
        ),
    ]:
        segment = create_segment(session, comms, "Shared", "", place_id, NOW)
        save_definition(session, comms, segment, tree, NOW)
        made.append(segment)
    selections = [
        fair_selection.run_fair_selection(
            session, comms, made[2], 4, features, 3, NOW, accept_shortfall=True
        )
        for features in (["ethnic_group", "sex"], ["age_band"])
    ]
    session.flush()
    return {"segments": made, "selections": selections}


def redraw_special_answers(session, members, seed: int) -> None:
    """Give every member new special category answers (not answering included), at random."""
    chooser = random.Random(seed)
    for member in members:
        for column in SPECIAL_COLUMNS:
            setattr(member.equality, column, chooser.choice([*SPECIAL_OPTIONS[column], None]))
    session.flush()


def test_no_sequence_of_place_team_figures_depends_on_anyones_special_category_answers(session):
    members, staff = build_panel(session)
    shared = shared_by_comms(session, staff["comms"])
    # The comms team's options are the widest (every recruitment source).
    options = {
        key: [code for code, _ in field_options(session, key, staff["comms"])]
        for key in FIELDS
        if FIELDS[key].kind in ("choice", "topics")
    }
    steps = operations(options)

    @SEARCH
    @given(data=st.data())
    def search(data):
        # One number stands for the redrawn answers, so that the search varies the sequences.
        sequence, seed = data.draw(steps), data.draw(st.integers(0, 2**32 - 1))
        first_world = session.begin_nested()
        first = Run(session, staff, shared)(sequence)
        first_world.rollback()
        second_world = session.begin_nested()
        redraw_special_answers(session, members, seed)
        second = Run(session, staff, shared)(sequence)
        second_world.rollback()
        assert first == second

    search()
