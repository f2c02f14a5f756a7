"""The tiny instance's solution as paths.csv, bookings.csv and report.html (costs in
test_evaluate.py): both bundles via platform 201, three vehicles."""

from routing.design.renault.evaluate import evaluate
from routing.design.renault.instance import Instance
from routing.design.renault.output import bookings_frame, flows_frame, paths_frame, report_html

VIA_PLATFORM = {0: ("101", "201", "901"), 1: ("102", "201", "901")}


def test_bookings_are_the_vehicles_per_leg_and_week_in_glocal_s_columns(tiny: Instance) -> None:
    """102 -> 201 week 1 (6 m3), 201 -> 901 week 1 (10 m3, full), week 2 (2.5 m3); the
    weeks are the Mondays of 2025-03-24 (week 1) and 2025-03-31; 101 -> 201 is linear."""
    book = bookings_frame(tiny, evaluate(tiny, VIA_PLATFORM))
    got = book[["service_id", "departure_date", "units", "m3", "expected_m3", "fixed_cost"]]
    assert got.values.tolist() == [
        ["renault-102-201", "2025-03-24", 1, 10.0, 6.0, "30.00"],
        ["renault-201-901", "2025-03-24", 1, 10.0, 10.0, "50.00"],
        ["renault-201-901", "2025-03-31", 1, 10.0, 2.5, "50.00"],
    ]
    assert set(book.unit_type) == {"truck"} and set(book.currency) == {"EUR"}


def test_paths_flows_and_the_report(tiny: Instance) -> None:
    assert paths_frame(tiny, VIA_PLATFORM).path.tolist() == ["101 201 901", "102 201 901"]
    flows = flows_frame(tiny, VIA_PLATFORM)
    assert flows[["from", "to", "m3"]].values.tolist() == [
        ["201", "901", 12.5],  # 4 + 6 in week 1, 2.5 in week 2
        ["101", "201", 6.5],
        ["102", "201", 6.0],
    ]
    page = report_html(tiny, VIA_PLATFORM, evaluate(tiny, VIA_PLATFORM), {"cost": "175.60"})
    assert "175.60" in page and "Vehicles by fill" in page and "201" in page
