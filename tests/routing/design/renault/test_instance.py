"""The authors' reading rules: sizes in hundredths, wrapped weeks, first leg kept."""

from routing.design.renault.instance import Instance, departure_week, legs, unit_size


def test_unit_sizes_are_whole_hundredths_at_least_one() -> None:
    assert unit_size(0.0001) == 1
    assert unit_size(0.125) == 12  # half to even, as the authors' Julia rounds
    assert unit_size(4.218) == 422


def test_a_departure_before_week_one_wraps_to_the_end(tiny: Instance) -> None:
    order = tiny.bundles[0].orders[0]  # week 1
    assert departure_week(tiny, order, 0) == 1
    assert departure_week(tiny, order, 1) == 2


def test_the_first_of_two_legs_between_the_same_points_is_kept_and_incomplete_rows_dropped() -> (
    None
):
    row = {
        "src_account": "a",
        "dst_account": "b",
        "shipment_cost": "5",
        "capacity": "70",
        "leg_type": "direct",
        "src_type": "supplier",
        "dst_type": "plant",
        "distance": "1",
        "travel_time": "0",
        "carbon_cost": "1",
        "is_linear": "False",
    }
    found = legs([row, {**row, "shipment_cost": "9"}, {**row, "dst_account": "c", "distance": ""}])
    assert list(found) == [("a", "b")]
    assert found[("a", "b")].shipment_cost == 5.0
    assert found[("a", "b")].capacity == 7000
