"""The load test's stale-read rule, on hand-made timelines (the harness itself
runs in .ci/run and `make loadtest`)."""

from loadtest.run import stale_reads

EDITS = [(1, 10.0), (2, 20.0), (3, 30.0)]


def test_a_request_started_after_a_save_must_see_it():
    assert stale_reads([(20.5, "work", 1)], EDITS) == [("work", 1, 2, 20.5)]


def test_requests_in_flight_during_a_save_may_show_the_old_version():
    assert stale_reads([(19.9, "work", 1), (20.0, "work", 1), (25.0, "work", 2)], EDITS) == []


def test_newer_than_expected_is_fine_and_pages_without_marker_are_skipped():
    assert stale_reads([(15.0, "work", 2), (31.0, "timeline", None), (5.0, "work", 0)], EDITS) == []
