"""Office-hour suggestions for appointment times."""


def test_next_working_hour_suggests_an_office_hour_on_a_weekday():
    from datetime import date, datetime

    from app.services.core.date_ranges import next_working_hour

    fri = datetime(2026, 12, 4, 10, 20)  # a Friday
    assert next_working_hour(fri) == datetime(2026, 12, 4, 11, 0)
    assert next_working_hour(fri.replace(hour=11, minute=0)) == datetime(2026, 12, 4, 11, 0)
    assert next_working_hour(fri.replace(hour=16, minute=30)) == datetime(2026, 12, 4, 17, 0)
    assert next_working_hour(fri.replace(hour=17, minute=5)) == datetime(2026, 12, 7, 9, 0)  # Mon
    assert next_working_hour(fri.replace(hour=7)) == datetime(2026, 12, 4, 9, 0)
    # a plan that starts next Wednesday: that morning, not a time already past
    assert next_working_hour(fri, date(2026, 12, 9)) == datetime(2026, 12, 9, 9, 0)
    assert next_working_hour(fri, date(2026, 12, 1)) == datetime(2026, 12, 4, 11, 0)
