"""The assurance dashboard's guidance rules, bulletin reach and recruitment figures, each equal
to a recount from the raw rows, for the period chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer.bulletins.models import Bulletin, BulletinRecipient, BulletinStatus, RecipientState
from mailer.events.models import EmailEvent
from mailer.tracking.models import TrackingHit
from mailer.tracking.reach import bulletin_reach
from panel.auth.models import Role
from panel.members.models import RecruitmentSource
from surveys.assurance import guidance_rules, partners
from surveys.assurance.period import since
from surveys.insights.models import InsightFinding, SourceKind
from surveys.models import GuidanceOverride, Survey, SurveyStatus
from tests.factories import make_member, make_staff, place

PERIOD_START = date(2026, 3, 1)


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _survey(session, title, opens, days, author, approver, status=SurveyStatus.CLOSED, **extra):
    survey = Survey(
        title=title,
        status=status,
        opens_at=opens,
        closes_at=opens + timedelta(days=days),
        author_id=author.id,
        approved_by_id=approver.id if approver else None,
        content={"pages": []},
        **extra,
    )
    session.add(survey)
    session.flush()
    return survey


def _recount_rules(session, start: datetime, end: datetime, place_ids=None):
    """Each rule's outcome per survey, from the surveys, overrides and election_dates rows."""
    polls = [
        date.fromisoformat(str(day))
        for day in session.execute(sa.text("SELECT poll_date FROM election_dates")).scalars()
    ]
    overrides = set(
        session.execute(sa.text("SELECT survey_id, rule FROM survey_guidance_overrides")).all()
    )
    rows = session.execute(
        sa.text(
            "SELECT id, status, place_id, opens_at, closes_at, formal_consultation, "
            "urgent_reason, author_id, approved_by_id FROM surveys"
        )
    ).all()
    found = {}
    for row in rows:
        opens, closes = _aware(_parse(row.opens_at)), _aware(_parse(row.closes_at))
        if row.status not in ("live", "closed") or not (start <= opens < end):
            continue
        if place_ids is not None and row.place_id not in place_ids:
            continue
        long_enough = closes - opens >= timedelta(days=30)
        timing = "met" if long_enough else "urgent" if row.urgent_reason else "not met"
        if timing == "not met" and (row.id, "timing") in overrides:
            timing = "overridden"
        clash = any(
            opens.date() <= poll and closes.date() >= poll - timedelta(weeks=6) for poll in polls
        )
        election = "not met" if clash else "met"
        if clash and (row.id, "pre_election") in overrides:
            election = "overridden"
        signed = row.approved_by_id is not None and row.approved_by_id != row.author_id
        sign_off = (
            "met" if signed else "overridden" if (row.id, "sign_off") in overrides else "not met"
        )
        found[row.id] = {"timing": timing, "sign_off": sign_off, "pre_election": election}
    return found


def _parse(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def test_each_guidance_rule_is_a_recount_of_the_surveys_and_overrides(session, now):
    author, reviewer = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    lancs = place(session, "lancashire")
    june = datetime(2026, 6, 1, 9, tzinfo=UTC)
    _survey(session, "Forty days", june, 40, author, reviewer)
    overridden = _survey(session, "Two weeks, overridden", june, 14, author, reviewer)
    _survey(session, "Two weeks, urgent", june, 14, author, reviewer, urgent_reason="Winter.")
    # open across the pre-election period before 7 May 2026, approved by its own author
    clash = _survey(session, "In purdah", datetime(2026, 4, 1, 9, tzinfo=UTC), 35, author, author)
    _survey(session, "Unsigned", june, 31, author, None, status=SurveyStatus.LIVE)
    _survey(session, "Place survey", june, 10, author, reviewer, place_id=lancs.id)
    _survey(session, "Before the period", datetime(2026, 1, 5, tzinfo=UTC), 40, author, reviewer)
    _survey(session, "Still a draft", june, 5, author, None, status=SurveyStatus.DRAFT)
    for survey, rule in ((overridden, "timing"), (clash, "pre_election"), (clash, "min_days")):
        session.add(GuidanceOverride(survey_id=survey.id, rule=rule, reason="Needed now.", at=now))
    session.flush()
    period = since(PERIOD_START, now)

    for user, place_ids in (
        (make_staff(session, Role.OBSERVER), None),
        (make_staff(session, Role.PLACE, ["lancashire"]), {lancs.id}),
    ):
        shown = guidance_rules.guidance_figures(session, user, period)
        recount = _recount_rules(session, period.start_at, period.end_at, place_ids)
        assert {s.survey_id: s.outcomes for s in shown.surveys} == recount
        for rule in shown.rules:
            expected = [outcomes[rule.rule] for outcomes in recount.values()]
            assert dict(rule.counts) == {o: expected.count(o) for o in set(expected)}
        assert shown.met_all == sum(
            1 for outcomes in recount.values() if set(outcomes.values()) == {"met"}
        )
    everyone = guidance_rules.guidance_figures(session, make_staff(session, Role.COMMS), period)
    assert everyone.ran == 6 and everyone.met_all == 1 and everyone.share_met_all == 1 / 6
    assert dict(everyone.overrides_by_rule) == dict(
        session.execute(
            sa.text("SELECT rule, count(*) FROM survey_guidance_overrides GROUP BY rule")
        ).all()
    )
    rules = {rule.rule: rule.counts for rule in everyone.rules}
    assert rules["pre_election"]["overridden"] == 1 and rules["sign_off"]["not met"] == 2


def _hit(session, bulletin, recipient, at, hint=""):
    session.add(
        TrackingHit(
            bulletin_id=bulletin.id,
            recipient_id=recipient.id,
            kind="open",
            at=at,
            machine_hint=hint,
        )
    )


def test_bulletin_reach_and_human_opens_are_a_recount_of_the_ledger_and_hits(session, now):
    comms = make_staff(session, Role.COMMS)
    members = [make_member(session, "blackpool") for _ in range(6)]
    sent_at = now - timedelta(days=10)
    bulletins = []
    for title, started in (("In the period", sent_at), ("Long ago", now - timedelta(days=400))):
        bulletin = Bulletin(title=title, status=BulletinStatus.SENT, started_at=started)
        session.add(bulletin)
        session.flush()
        bulletins.append(bulletin)
    recipients = []
    for bulletin in bulletins:
        for index, member in enumerate(members):
            recipient = BulletinRecipient(
                bulletin_id=bulletin.id,
                member_id=member.id,
                state=RecipientState.FAILED if index == 5 else RecipientState.ACCEPTED,
                tracking_consent=index != 4,
            )
            session.add(recipient)
            session.flush()
            recipients.append(recipient)
    current = recipients[:6]
    _hit(session, bulletins[0], current[0], sent_at + timedelta(hours=2))
    _hit(session, bulletins[0], current[1], sent_at + timedelta(hours=2), hint="proxy")
    _hit(session, bulletins[0], current[4], sent_at + timedelta(hours=2))  # no consent
    _hit(session, bulletins[1], recipients[6], sent_at)  # the old bulletin's
    session.add(
        EmailEvent(
            sg_event_id="e1",
            dedupe_key="d1",
            event="bounce",
            email_hash="x" * 64,
            occurred_at=sent_at,
            bulletin_id=bulletins[0].id,
            recipient_id=current[3].id,
        )
    )
    session.flush()

    reach = bulletin_reach(session, comms, since(PERIOD_START, now))
    sql = sa.text(
        "SELECT count(*) FILTER (WHERE r.state = 'accepted'), "
        "count(DISTINCT r.member_id) FILTER (WHERE r.state = 'accepted'), "
        "count(*) FILTER (WHERE r.state = 'accepted' AND r.tracking_consent AND NOT EXISTS "
        "  (SELECT 1 FROM email_events e WHERE e.recipient_id = r.id "
        "   AND e.event IN ('bounce', 'dropped'))), "
        "count(*) FILTER (WHERE r.state = 'accepted' AND r.tracking_consent AND EXISTS "
        "  (SELECT 1 FROM tracking_hits h WHERE h.recipient_id = r.id AND h.kind = 'open' "
        "   AND h.machine_hint = '')), "
        "count(*) FILTER (WHERE r.state = 'accepted' AND r.tracking_consent AND EXISTS "
        "  (SELECT 1 FROM tracking_hits h WHERE h.recipient_id = r.id AND h.kind = 'open')) "
        "FROM bulletin_recipients r JOIN bulletins b ON b.id = r.bulletin_id "
        "WHERE b.started_at >= :start"
    )
    accepted, people, base, human, every_open = session.execute(
        sql, {"start": datetime(2026, 3, 1, tzinfo=UTC)}
    ).one()
    assert [b.title for b in reach.bulletins] == ["In the period"]
    assert (reach.total.accepted, reach.people, reach.total.base) == (accepted, people, base)
    assert (reach.total.opened_human, reach.total.opened_all) == (human, every_open)
    assert (accepted, base, human, every_open) == (5, 3, 1, 2)
    assert reach.total.open_rate_human == human / base and reach.machine_opens == 1
    assert reach.benchmark == 0.5
    # a place team sees only its places' own bulletins: these two were ICB-wide
    team = make_staff(session, Role.PLACE, ["blackpool"])
    assert bulletin_reach(session, team, since(PERIOD_START, now)).bulletins == []


def test_joins_by_recruitment_source_are_a_recount_of_the_members(session, now):
    partner = RecruitmentSource(name="Healthwatch Blackpool")
    poster = RecruitmentSource(name="Library poster")
    session.add_all([partner, poster])
    session.flush()
    for joined, source, code in (
        (now - timedelta(days=5), partner, "blackpool"),
        (now - timedelta(days=6), partner, "lancashire"),
        (now - timedelta(days=7), poster, "blackpool"),
        (now - timedelta(days=8), None, "blackpool"),
        (now - timedelta(days=500), partner, "blackpool"),  # before the period
    ):
        make_member(
            session, code, joined_at=joined, recruitment_source_id=source.id if source else None
        )
    session.flush()
    period = since(PERIOD_START, now)
    for user, where in (
        (make_staff(session, Role.OBSERVER), None),
        (make_staff(session, Role.PLACE, ["blackpool"]), "blackpool"),
    ):
        shown = partners.recruitment(session, user, period)
        rows = session.execute(
            sa.text(
                "SELECT s.name, count(m.id) FROM members m JOIN places p ON p.id = m.place_id "
                "LEFT JOIN recruitment_sources s ON s.id = m.recruitment_source_id "
                "WHERE m.joined_at >= :start "
                "AND (CAST(:code AS VARCHAR(40)) IS NULL OR p.code = :code) "
                "GROUP BY s.name"
            ),
            {"start": datetime(2026, 3, 1, tzinfo=UTC), "code": where},
        ).all()
        assert {(s.name, s.joined) for s in shown.by_source} == {
            (name, count) for name, count in rows if name
        }
        assert shown.joined == sum(count for _name, count in rows)
        assert shown.through_sources == sum(count for name, count in rows if name)


def _recount_partner_reports(session, extra: str, params: dict):
    """Partner reports in the period and place, and their people (summed, and how many reports
    gave no number), from the raw rows; ``extra`` is one of the test's fixed conditions."""
    scope = (
        "source_kind = 'partner_report' AND heard_on >= :first AND heard_on <= :last "
        "AND (CAST(:code AS VARCHAR(40)) IS NULL OR place_id = "
        "(SELECT id FROM places WHERE code = :code))"
    )
    # The test's own fixed conditions, not input.
    query = f"SELECT count(*), coalesce(sum(people_heard), 0), count(*) - count(people_heard) FROM insight_findings WHERE {scope} {extra}"  # noqa: E501, S608
    return session.execute(sa.text(query), params).one()


GROUP_CODES = ["carers", "young_people", "general_public", "disabled", "women"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    reports=st.lists(
        st.tuples(
            st.sampled_from(list(SourceKind)),
            st.lists(st.sampled_from(GROUP_CODES), unique=True, max_size=3),
            st.one_of(st.none(), st.integers(1, 400)),
            st.integers(-30, 400),  # days before today it was heard (negative: future)
            st.sampled_from([None, "blackpool", "lancashire"]),
        ),
        max_size=8,
    )
)
def test_seldom_heard_reach_via_partners_is_a_recount_of_the_reports(session, now, reports):
    session.execute(sa.delete(InsightFinding))
    today = now.date()
    for number, (kind, codes, people, days_ago, code) in enumerate(reports):
        session.add(
            InsightFinding(
                title=f"Report {number}",
                summary="What we heard",
                source_kind=kind,
                heard_on=today - timedelta(days=days_ago),
                place_id=place(session, code).id if code else None,
                group_codes="".join(f"|{c}|" for c in codes).replace("||", "|"),
                people_heard=people,
                owner_name="Owner",
            )
        )
    session.flush()
    period = since(PERIOD_START, now)
    for user, where in (
        (make_staff(session, Role.OBSERVER), None),
        (make_staff(session, Role.PLACE, ["blackpool"]), "blackpool"),
    ):
        shown = partners.partner_reach(session, user, period)
        bounds = {"first": PERIOD_START, "last": today, "code": where}

        def recount(extra: str, params: dict, bounds=bounds):
            return _recount_partner_reports(session, extra, {**bounds, **params})

        assert shown.reports == recount("", {})[0]
        seldom = recount(
            "AND (group_codes LIKE '%|carers|%' OR group_codes LIKE '%|young_people|%' "
            "OR group_codes LIKE '%|disabled|%')",
            {},
        )
        assert (
            shown.seldom_heard_reports,
            shown.seldom_heard_people,
            shown.seldom_heard_without_number,
        ) == tuple(seldom)
        expected = {}
        for code in GROUP_CODES:
            row = recount("AND group_codes LIKE :pattern", {"pattern": f"%|{code}|%"})
            if row[0]:
                expected[code] = tuple(row)
        assert {
            g.code: (g.reports, g.people, g.reports_without_number) for g in shown.by_group
        } == expected


def _queries(session, run) -> int:
    statements = []
    engine = session.get_bind()

    def count(*_args):
        statements.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_dashboard_asks_the_same_number_of_queries_however_many_records(session, now):
    from surveys.assurance.dashboard import dashboard

    author, reviewer = make_staff(session, Role.COMMS), make_staff(session, Role.COMMS)
    observer = make_staff(session, Role.OBSERVER)
    period = since(PERIOD_START, now)

    def add_records(number: int):
        for index in range(number):
            survey = _survey(
                session, f"S{number}-{index}", now - timedelta(days=60), 40, author, reviewer
            )
            session.add(
                GuidanceOverride(survey_id=survey.id, rule="timing", reason="Needed.", at=now)
            )
            bulletin = Bulletin(
                title=f"B{number}-{index}", status=BulletinStatus.SENT, started_at=now
            )
            session.add(bulletin)
            session.flush()
            member = make_member(session, "blackpool", joined_at=now)
            session.add(
                BulletinRecipient(
                    bulletin_id=bulletin.id, member_id=member.id, state=RecipientState.ACCEPTED
                )
            )
        session.flush()

    add_records(1)
    few = _queries(session, lambda: dashboard(session, observer, now, period))
    add_records(12)
    many = _queries(session, lambda: dashboard(session, observer, now, period))
    assert few == many
