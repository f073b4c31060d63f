"""Minimal-change re-planning: keep the published timetable except where it must change."""

from .builders import periods, problem, solved


def week() -> dict:
    people = [{"id": f"v{i}"} for i in range(6)]
    activities = [{"id": f"a{i}", "sessions": 2, "facilitators": [f"v{i}"], "min_days": 2}
                  for i in range(6)]
    return problem(
        periods=periods("0:0", "0:1", "0:2", "1:0", "1:1", "1:2", "2:0", "2:1", "2:2"),
        rooms=[{"id": f"r{i}", "capacity": 10} for i in range(3)],
        people=people,
        activities=activities,
        cohorts=[{"id": "c", "activities": ["a0", "a1", "a2"], "compact": True}],
        weights={"min_days": 3, "isolation": 1, "room_stability": 1},
    )


def placements(solution: dict) -> set[tuple[str, str, str]]:
    return {(a["activity"], a["period"], a["room"]) for a in solution["assignments"]}


def replan(published: dict, unavailable_periods: list[str], person: str, strict: bool) -> dict:
    prob = week()
    prob["previous"] = published["assignments"]
    prob["weights"]["change"] = 10
    if strict:
        prob["stability"] = "strict"
    for entry in prob["people"]:
        if entry["id"] == person:
            entry["unavailable"] = unavailable_periods
    return prob


def test_losing_a_day_moves_only_the_sessions_of_that_day():
    published = solved(week())
    assert published["status"] == "OPTIMAL"
    activity, period, _ = sorted(placements(published))[0]
    day = period[:2]
    lost = [p["id"] for p in week()["periods"] if p["id"].startswith(day)]
    person = "v" + activity[1:]
    forced = {entry for entry in placements(published)
              if entry[0] == activity and entry[1] in lost}
    for strict in (True, False):
        again = solved(replan(published, lost, person, strict))
        assert again["status"] == "OPTIMAL"
        moved = placements(published) - placements(again)
        assert moved == forced
        assert again["penalties"]["change"] == 10 * len(forced)


def test_strict_stability_puts_fewest_moves_first():
    # Weighted, moving is cheap (change 1) against a room stability of 50; strict keeps it.
    prob = problem(
        periods=periods("0:0", "1:0"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        activities=[{"id": "a", "sessions": 2}],
        previous=[{"activity": "a", "period": "d0i0", "room": "r1"},
                  {"activity": "a", "period": "d1i0", "room": "r2"}],
        weights={"room_stability": 50, "change": 1},
    )
    weighted = solved(prob)
    assert weighted["objective"] == 1 and weighted["penalties"]["room_stability"] == 0
    prob["stability"] = "strict"
    strict = solved(prob)
    assert strict["status"] == "OPTIMAL"
    assert strict["penalties"] == {"capacity": 0, "min_days": 0, "isolation": 0,
                                   "room_stability": 50, "preference": 0, "change": 0}
    assert strict["objective"] == strict["bound"] == 50
