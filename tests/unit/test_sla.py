"""SLA deadlines counted in working time (SPEC T8)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from configurations.models import Category, Holiday, Priority, SLAPolicy, WorkingCalendar, WorkingHours
from tickets.models import Account, Ticket
from tickets.sla import (
    Calendar,
    SLAState,
    add_working_time,
    deadline_for,
    deadline_for_ticket,
    is_overdue,
    policy_for,
    sla_state,
    working_seconds_between,
)

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
NINE_TO_FIVE = ((dt.time(9), dt.time(17)),)
WEEKDAYS = dict.fromkeys(range(5), NINE_TO_FIVE)


def at(year, month, day, hour=0, minute=0, tz=UTC):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def office(tz=UTC, holidays=(), hours=None):
    """Monday to Friday, 9:00 to 17:00."""
    return Calendar(tz=tz, hours=WEEKDAYS if hours is None else hours, holidays=frozenset(holidays))


# 2024-06-03 is a Monday, 2024-06-07 a Friday.
MONDAY = (2024, 6, 3)
FRIDAY = (2024, 6, 7)


@pytest.mark.spec("T8")
def test_time_within_one_working_day_ends_the_same_day():
    assert add_working_time(at(*MONDAY, 10), 3 * HOUR, office()) == at(*MONDAY, 13)


@pytest.mark.spec("T8")
def test_time_running_past_closing_continues_the_next_morning():
    assert add_working_time(at(*MONDAY, 15), 4 * HOUR, office()) == at(2024, 6, 4, 11)


@pytest.mark.spec("T8")
def test_four_hours_from_friday_afternoon_end_on_monday_morning():
    assert add_working_time(at(*FRIDAY, 15), 4 * HOUR, office()) == at(2024, 6, 10, 11)


@pytest.mark.spec("T8")
def test_a_holiday_is_skipped_entirely():
    calendar = office(holidays=[dt.date(2024, 6, 4)])
    assert add_working_time(at(*MONDAY, 15), 4 * HOUR, calendar) == at(2024, 6, 5, 11)


@pytest.mark.spec("T8")
def test_counting_starts_at_the_next_working_interval_when_created_outside_working_hours():
    assert add_working_time(at(*MONDAY, 6), HOUR, office()) == at(*MONDAY, 10)
    assert add_working_time(at(*MONDAY, 20), HOUR, office()) == at(2024, 6, 4, 10)
    assert add_working_time(at(2024, 6, 8, 12), HOUR, office()) == at(2024, 6, 10, 10)


@pytest.mark.spec("T8")
def test_the_deadline_ends_exactly_at_closing_time_when_the_time_runs_out_there():
    assert add_working_time(at(*MONDAY, 9), 8 * HOUR, office()) == at(*MONDAY, 17)


@pytest.mark.spec("T8")
def test_working_hours_follow_local_wall_clock_across_the_spring_dst_change_in_berlin():
    # Friday 2024-03-29 16:00 CET (UTC+1); clocks go forward on Sunday 31 March.
    deadline = add_working_time(at(2024, 3, 29, 16, tz=BERLIN), 2 * HOUR, office(BERLIN))
    assert deadline == at(2024, 4, 1, 10, tz=BERLIN)  # Monday 10:00 CEST
    assert deadline == at(2024, 4, 1, 8)
    assert deadline.tzinfo == UTC


@pytest.mark.spec("T8")
def test_working_hours_follow_local_wall_clock_across_the_autumn_dst_change_in_berlin():
    # Friday 2024-10-25 16:00 CEST (UTC+2); clocks go back on Sunday 27 October.
    deadline = add_working_time(at(2024, 10, 25, 16, tz=BERLIN), 2 * HOUR, office(BERLIN))
    assert deadline == at(2024, 10, 28, 9)  # Monday 10:00 CET


@pytest.mark.spec("T8")
def test_a_dst_day_counts_the_hours_that_really_pass():
    all_day = office(BERLIN, hours={day: ((dt.time(0), dt.time(0)),) for day in range(7)})
    spring, autumn = dt.date(2024, 3, 31), dt.date(2024, 10, 27)

    def day_length(day):
        midnight = dt.datetime.combine(day, dt.time(0), BERLIN)
        next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), BERLIN)
        return working_seconds_between(midnight, next_midnight, all_day)

    assert day_length(spring) == 23 * HOUR
    assert day_length(autumn) == 25 * HOUR
    saturday_noon = at(2024, 3, 30, 12, tz=BERLIN)
    assert add_working_time(saturday_noon, 24 * HOUR, all_day) == at(2024, 3, 31, 13, tz=BERLIN)


@pytest.mark.spec("T8")
def test_a_24x7_calendar_counts_every_second():
    start = at(*FRIDAY, 15)
    assert add_working_time(start, 30 * 24 * HOUR, Calendar.always()) == start + dt.timedelta(days=30)
    assert add_working_time(start, HOUR, None) == at(*FRIDAY, 16)
    assert working_seconds_between(start, start + dt.timedelta(days=2), Calendar.always()) == 48 * HOUR


@pytest.mark.spec("T8")
def test_a_lunch_break_is_not_counted():
    calendar = office(hours={0: ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17)))})
    assert add_working_time(at(*MONDAY, 11), 2 * HOUR, calendar) == at(*MONDAY, 14)
    assert add_working_time(at(*MONDAY, 12, 30), 30 * 60, calendar) == at(*MONDAY, 13, 30)
    assert working_seconds_between(at(*MONDAY, 8), at(*MONDAY, 18), calendar) == 7 * HOUR


@pytest.mark.spec("T8")
def test_overlapping_intervals_are_not_counted_twice():
    calendar = office(hours={0: ((dt.time(9), dt.time(13)), (dt.time(12), dt.time(17)))})
    assert working_seconds_between(at(*MONDAY), at(2024, 6, 4), calendar) == 8 * HOUR


@pytest.mark.spec("T8")
@pytest.mark.parametrize(
    ("start", "seconds", "calendar"),
    [
        (at(*MONDAY, 10), 3 * HOUR, office()),
        (at(*FRIDAY, 15, 17), 4 * HOUR + 123, office()),
        (at(2024, 6, 8, 3), 30 * 8 * HOUR, office(holidays=[dt.date(2024, 6, 12)])),
        (at(2024, 3, 28, 16, tz=BERLIN), 11 * HOUR, office(BERLIN)),
        (at(2024, 10, 26, 22, tz=BERLIN), 50 * HOUR, Calendar(BERLIN, {6: ((dt.time(1), dt.time(4)),)})),
        (at(*MONDAY, 10), 5 * 24 * HOUR, Calendar.always()),
    ],
)
def test_working_seconds_between_undoes_add_working_time(start, seconds, calendar):
    end = add_working_time(start, seconds, calendar)
    assert working_seconds_between(start, end, calendar) == seconds


@pytest.mark.spec("T8")
def test_working_seconds_between_is_zero_when_the_end_is_not_after_the_start():
    assert working_seconds_between(at(*MONDAY, 12), at(*MONDAY, 12), office()) == 0
    assert working_seconds_between(at(*MONDAY, 12), at(*MONDAY, 10), office()) == 0


@pytest.mark.spec("T8")
def test_adding_no_time_returns_the_start_unchanged():
    start = at(2024, 6, 8, 12, tz=BERLIN)  # a Saturday, outside working hours
    assert add_working_time(start, 0, office()) is start


@pytest.mark.spec("T8")
def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError):
        add_working_time(dt.datetime(2024, 6, 3, 10), HOUR, office())
    with pytest.raises(ValueError):
        add_working_time(at(*MONDAY, 10), -1, office())


@pytest.mark.spec("T8")
def test_thirty_working_days_and_even_ten_years_are_computed_instantly():
    assert add_working_time(at(*MONDAY, 9), 30 * 8 * HOUR, office()) == at(2024, 7, 12, 17)
    began = time.perf_counter()
    add_working_time(at(*MONDAY, 9), 10 * 250 * 8 * HOUR, office(BERLIN))
    assert time.perf_counter() - began < 0.5


@pytest.mark.spec("T8")
def test_at_risk_starts_when_80_percent_of_the_working_time_has_elapsed():
    deadline, at_risk_at = deadline_for(at(*MONDAY, 9), 5 * 60, office())
    assert (deadline, at_risk_at) == (at(*MONDAY, 14), at(*MONDAY, 13))
    deadline, at_risk_at = deadline_for(at(*FRIDAY, 16), 10 * 60, office())
    assert deadline == at(2024, 6, 11, 10)
    assert working_seconds_between(at(*FRIDAY, 16), at_risk_at, office()) == 8 * HOUR


@pytest.mark.spec("T8")
def test_sla_state_is_none_without_a_deadline():
    assert sla_state(now=at(*MONDAY), deadline=None, at_risk_at=None, resolved_at=None) is None


@pytest.mark.spec("T8")
def test_sla_state_of_an_open_ticket_is_within_then_at_risk_then_breached():
    times = {"deadline": at(*MONDAY, 17), "at_risk_at": at(*MONDAY, 15), "resolved_at": None}
    assert sla_state(now=at(*MONDAY, 14), **times) == SLAState.WITHIN
    assert sla_state(now=at(*MONDAY, 15), **times) == SLAState.AT_RISK
    assert sla_state(now=at(*MONDAY, 16), **times) == SLAState.AT_RISK
    assert sla_state(now=at(*MONDAY, 17), **times) == SLAState.BREACHED
    assert sla_state(now=at(*MONDAY, 18), **times) == SLAState.BREACHED


@pytest.mark.spec("T8")
def test_sla_state_of_a_resolved_ticket_depends_only_on_when_it_was_resolved():
    times = {"deadline": at(*MONDAY, 17), "at_risk_at": at(*MONDAY, 15), "now": at(2024, 7, 1)}
    assert sla_state(resolved_at=at(*MONDAY, 16), **times) == SLAState.WITHIN
    assert sla_state(resolved_at=at(*MONDAY, 17), **times) == SLAState.WITHIN
    assert sla_state(resolved_at=at(*MONDAY, 18), **times) == SLAState.BREACHED


@pytest.mark.spec("T8")
def test_sla_states_have_readable_labels():
    assert [(s.value, s.label) for s in SLAState] == [
        ("within", "Within SLA"),
        ("at_risk", "At risk"),
        ("breached", "Breached"),
    ]


@pytest.mark.spec("T8")
def test_a_ticket_is_overdue_only_when_its_deadline_passed_and_it_is_not_resolved():
    deadline = at(*MONDAY, 17)
    assert is_overdue(now=at(*MONDAY, 17), deadline=deadline, resolved_at=None)
    assert not is_overdue(now=at(*MONDAY, 16), deadline=deadline, resolved_at=None)
    assert not is_overdue(now=at(*MONDAY, 18), deadline=deadline, resolved_at=at(*MONDAY, 18))
    assert not is_overdue(now=at(*MONDAY, 18), deadline=None, resolved_at=None)


@pytest.mark.spec("T8")
def test_the_accounts_sla_policy_overrides_the_categorys():
    account_policy, category_policy = SLAPolicy(name="Gold"), SLAPolicy(name="Standard")
    category = Category(name="Billing", sla_policy=category_policy)
    assert policy_for(Ticket(account=Account(sla_policy=account_policy), category=category)) is account_policy
    assert policy_for(Ticket(account=Account(sla_policy=None), category=category)) is category_policy
    assert policy_for(Ticket(category=category)) is category_policy
    assert policy_for(Ticket(account=Account(sla_policy=account_policy))) is account_policy
    assert policy_for(Ticket()) is None


@pytest.mark.spec("T8")
def test_a_ticket_without_any_sla_policy_has_no_deadline():
    ticket = Ticket(category=Category(name="Misc"), created_at=at(*MONDAY, 9))
    assert deadline_for_ticket(ticket) == (None, None)


@pytest.mark.spec("T8")
def test_a_ticket_whose_category_has_no_calendar_counts_around_the_clock():
    policy = SLAPolicy(name="Gold", high_minutes=24 * 60)
    ticket = Ticket(account=Account(sla_policy=policy), priority=Priority.HIGH, created_at=at(*FRIDAY, 15))
    assert deadline_for_ticket(ticket) == (at(2024, 6, 8, 15), at(2024, 6, 8, 10, 12))


@pytest.mark.spec("T8")
def test_a_calendar_without_working_hours_counts_around_the_clock_instead_of_hanging():
    start = at(*MONDAY, 10)
    for calendar in (
        Calendar(BERLIN, {}),
        Calendar(BERLIN, {0: ()}, frozenset({dt.date(2024, 6, 3)})),
        Calendar(BERLIN, {0: ((dt.time(9), dt.time(9)),)}),
    ):
        assert calendar.is_always
        assert add_working_time(start, HOUR, calendar) == at(*MONDAY, 11)
        assert working_seconds_between(start, at(*MONDAY, 11), calendar) == HOUR
    assert Calendar.from_model(None) == Calendar.always()


@pytest.mark.spec("T8")
@pytest.mark.django_db
def test_a_saved_working_calendar_becomes_a_calendar_with_its_hours_and_holidays():
    saved = WorkingCalendar.objects.create(name="Berlin office", timezone="Europe/Berlin")
    WorkingHours.objects.create(calendar=saved, weekday=0, start=dt.time(13), end=dt.time(17))
    WorkingHours.objects.create(calendar=saved, weekday=0, start=dt.time(9), end=dt.time(12))
    WorkingHours.objects.create(calendar=saved, weekday=4, start=dt.time(9), end=dt.time(15))
    Holiday.objects.create(calendar=saved, date=dt.date(2024, 6, 7), name="Company day")

    calendar = Calendar.from_model(WorkingCalendar.objects.prefetch_related("hours", "holidays").get())

    assert calendar == Calendar(
        tz=BERLIN,
        hours={0: ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))), 4: ((dt.time(9), dt.time(15)),)},
        holidays=frozenset({dt.date(2024, 6, 7)}),
    )
    category = Category.objects.create(
        name="Billing", calendar=saved, sla_policy=SLAPolicy.objects.create(name="Std", normal_minutes=10 * 60)
    )
    ticket = Ticket(category=category, priority=Priority.NORMAL, created_at=at(*MONDAY, 9, tz=BERLIN))
    # 10 h: Monday gives 7 h, Friday is a holiday, the next Monday the last 3 h (8 h at risk: 1 h).
    assert deadline_for_ticket(ticket) == (at(2024, 6, 10, 12, tz=BERLIN), at(2024, 6, 10, 10, tz=BERLIN))


@pytest.mark.spec("T8")
@pytest.mark.django_db
def test_a_saved_working_calendar_without_hours_counts_around_the_clock():
    saved = WorkingCalendar.objects.create(name="Empty", timezone="Europe/Berlin")
    Holiday.objects.create(calendar=saved, date=dt.date(2024, 6, 3))
    calendar = Calendar.from_model(saved)
    assert calendar.is_always
    assert add_working_time(at(*MONDAY, 10), 2 * HOUR, calendar) == at(*MONDAY, 12)
