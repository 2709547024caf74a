"""The fair selection pages: whose population the targets come from, the pool checked against
them before selecting, the user's own targets, and target, selected and gap afterwards; as the
comms team and as a place team for its own place."""

from __future__ import annotations

import re

import sqlalchemy as sa

from panel.auth.models import Role
from panel.segments import definition as definitions
from panel.segments.models import FairSelection, Segment
from tests.factories import make_staff, place
from tests.panel.test_selection_quotas import AGE_BANDS, BLACKPOOL_20, _members


def _segment(session, code):
    segment = Segment(
        name="Everyone here",
        place=place(session, code) if code else None,
        definition=definitions.empty_definition(),
    )
    session.add(segment)
    session.flush()
    return segment


def _selections(session):
    session.expire_all()
    return session.scalars(sa.select(FairSelection).order_by(FairSelection.id)).all()


def _cells(page: str, label: str) -> list[str]:
    """The cells of the table row headed ``label`` (first match), as text."""
    pattern = rf'<th scope="row" class="nhsuk-table__cell">{re.escape(label)}</th>(.*?)</tr>'
    row = re.search(pattern, page, re.S)
    assert row, label
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_a_place_team_selects_for_its_place_and_sees_target_selected_and_gap(
    client, session, login_as
):
    _members(session, "blackpool", {band: 5 for band in AGE_BANDS[:-1]} | {"75+": 45})
    segment = _segment(session, "blackpool")
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    url = f"/staff/segments/{segment.id}/select"
    form = client.get(url).text
    assert "Census 2021 population of <strong>Blackpool</strong>" in form
    assert 'name="population"' not in form
    assert 'value="ethnic_group"' not in form and 'name="share-ethnic_group-0"' not in form
    assert 'name="share-age_band-0"' in form and "Census 2021: 11.4%" in form
    made = client.post(url, data={"number_wanted": "20", "features": ["age_band"], "seed": "5"})
    assert made.status_code == 302
    page = client.get(made.location).text
    assert "Matched to Blackpool" in page
    for heading in ("Target", "Selected", "Gap", "In the pool", "Quota given"):
        assert f">{heading}</th>" in page
    (selection,) = _selections(session)
    young = next(
        row for row in selection.report["characteristics"][0]["rows"] if row["code"] == "16-24"
    )
    assert young["target"] == BLACKPOOL_20["16-24"]
    gap = f"+{young['gap']}" if young["gap"] > 0 else str(young["gap"]).replace("-", "−")
    assert _cells(page, "16 to 24") == [
        "11.4%",
        "2",
        str(young["selected"]),
        gap,
        "5",
        "1 to 3",
        "Yes" if young["met"] else "No",
    ]
    assert "text/csv" in client.post(made.location + "/export.csv").content_type


def test_comms_chooses_whose_population_an_icb_wide_segment_matches(client, session, login_as):
    _members(session, "blackpool", {band: 6 for band in AGE_BANDS})
    _members(session, "south-cumbria", {band: 6 for band in AGE_BANDS})
    segment = _segment(session, None)
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    url = f"/staff/segments/{segment.id}/select"
    form = client.get(url).text
    assert "the whole ICB (every place, weighted by its population)" in form
    assert 'name="share-ethnic_group-0"' in form
    south_cumbria = place(session, "south-cumbria").id
    data = {
        "number_wanted": "12",
        "features": ["age_band", "sex"],
        "seed": "3",
        "population": str(south_cumbria),
    }
    check = client.post(url, data={**data, "action": "check"})
    assert check.status_code == 200 and "The pool against the targets" in check.text
    assert "Targets from Census 2021: South Cumbria" in check.text
    assert "The pool has enough people for every target." in check.text
    assert _selections(session) == []  # checking selects nobody
    made = client.post(url, data=data)
    assert made.status_code == 302
    (selection,) = _selections(session)
    assert selection.population_place_ids == [south_cumbria]
    page = client.get(made.location).text
    assert "Matched to South Cumbria" in page and "Targets from Census 2021: South Cumbria" in page


def test_a_short_pool_is_named_before_selecting_and_selected_only_with_consent(
    client, session, login_as
):
    _members(session, "blackpool", {"16-24": 2} | {band: 12 for band in AGE_BANDS[1:]})
    segment = _segment(session, "blackpool")
    login_as(make_staff(session, Role.PLACE, places=["blackpool"]))
    session.commit()
    url = f"/staff/segments/{segment.id}/select"
    data = {"number_wanted": "40", "features": ["age_band", "sex"], "seed": "1"}
    for action in ("check", "select"):
        page = client.post(url, data={**data, "action": action}).text
        assert "Some targets cannot be met from the pool" in page
        assert "Age band, 16 to 24: target 4, only 2 in the pool (short by 2)" in page
        assert _cells(page, "16 to 24") == ["11.4%", "4", "2", "2"]
    assert "There is a problem" in page and "Tick “Select anyway”" in page
    assert _selections(session) == []
    made = client.post(url, data={**data, "accept_shortfall": "y"})
    assert made.status_code == 302
    page = client.get(made.location).text
    assert "Not every target could be met" in page
    assert "the target was 4 but the pool had only 2" in page
    assert "(the pool was short by 2)" in page


def test_targets_the_user_sets_are_checked_and_replace_census(client, session, login_as):
    _members(session, "blackpool", {band: 6 for band in AGE_BANDS})
    segment = _segment(session, "blackpool")
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    url = f"/staff/segments/{segment.id}/select"
    data = {"number_wanted": "10", "features": ["sex", "age_band"], "seed": "3"}
    for shares, message in [
        (
            {"share-sex-0": "60", "share-sex-1": "30"},
            "the shares must add up to 100, and they add up to 90",
        ),
        ({"share-sex-0": "150", "share-sex-1": ""}, "Enter a share from 0 to 100"),
        ({"share-sex-0": "NaN", "share-sex-1": "50"}, "Enter a number"),
        (
            {"share-disability-0": "50", "share-disability-1": "50"},
            "You set targets for disability",
        ),
    ]:
        page = client.post(url, data={**data, **shares})
        assert page.status_code == 200 and "There is a problem" in page.text
        assert message in page.text, message
        first = next(iter(shares.items()))
        assert f'value="{first[1]}"' in page.text  # what was typed is kept
        assert '<details class="nhsuk-details" open>' in page.text
    assert _selections(session) == []
    made = client.post(url, data={**data, "share-sex-0": "70", "share-sex-1": "30"})
    assert made.status_code == 302
    (selection,) = _selections(session)
    assert selection.target_shares == {"sex": {"female": "70", "male": "30"}}
    page = client.get(made.location).text
    assert "Targets from your targets" in page
    assert _cells(page, "Female")[:2] == ["70.0%", "7"]


def test_quotas_that_cannot_hold_together_are_widened_only_when_asked(client, session, login_as):
    _members(session, "blackpool", {"75+": 10}, sex=("female",))
    _members(session, "blackpool", {"16-24": 10}, sex=("male",))
    segment = _segment(session, "blackpool")
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    url = f"/staff/segments/{segment.id}/select"
    data = {
        "number_wanted": "10",
        "features": ["sex", "age_band"],
        "seed": "4",
        "share-sex-0": "50",
        "share-sex-1": "50",
        "share-age_band-0": "80",
        "share-age_band-6": "20",
    }
    refused = client.post(url, data=data).text
    needed = re.search(r"Widening every quota by (\d+) (?:person|people) either side", refused)
    assert needed and "There is a problem" in refused and _selections(session) == []
    made = client.post(url, data={**data, "widen_by": needed.group(1)})
    assert made.status_code == 302
    assert "as you agreed" in client.get(made.location).text


def test_a_selection_made_before_targets_were_kept_still_shows(client, session, login_as):
    segment = _segment(session, "blackpool")
    selection = FairSelection(
        segment_id=segment.id,
        number_wanted=2,
        seed=1,
        features=["sex"],
        member_ids=[],
        report={
            "all_met": True,
            "messages": [],
            "outcomes": [
                {
                    "feature": "sex",
                    "value": "female",
                    "minimum": 0,
                    "maximum": 2,
                    "selected": 1,
                    "met": True,
                }
            ],
        },
    )
    session.add(selection)
    login_as(make_staff(session, Role.COMMS))
    session.commit()
    page = client.get(f"/staff/segments/{segment.id}/selections/{selection.id}")
    assert page.status_code == 200 and "made before targets were recorded" in page.text
