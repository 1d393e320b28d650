"""POST /v1/events on the reference backend: validation, permanent dedup, notifications, state."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from refbackend_helpers import DEMO_DATA, EVENTS_TYPE, make_event, packed

from station.refbackend import ReferenceBackend

ZOE_PACKED = ("notify customer Zoë Müller <zoe@example.com>: "
              "order SO-100234 packed at PACK-01 (1 package)")


def post(backend: ReferenceBackend, body: Any, *, content_type: str = EVENTS_TYPE,
         headers: dict[str, str] | None = None) -> requests.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(f"{backend.url}/v1/events", data=raw, timeout=10,
                         headers={"Content-Type": content_type, **(headers or {})})


def results(backend: ReferenceBackend, events: list[Any]) -> list[dict[str, Any]]:
    reply = post(backend, events)
    assert reply.status_code == 200, reply.text
    found: list[dict[str, Any]] = reply.json()["results"]
    return found


def order_status(backend: ReferenceBackend, order_number: str) -> str:
    reply = requests.get(f"{backend.url}/v1/orders/{order_number}", timeout=5)
    return str(reply.json()["status"])


def test_accepted_event_notifies_once_and_marks_the_order_packed(
        backend: ReferenceBackend, out: io.StringIO) -> None:
    event = packed()
    assert results(backend, [event]) == [{"id": event["id"], "status": "accepted"}]
    assert backend.notifications() == [ZOE_PACKED]
    assert out.getvalue() == ZOE_PACKED + "\n"
    assert order_status(backend, "SO-100234") == "packed"


def test_same_event_again_is_duplicate_without_a_second_notification(
        backend: ReferenceBackend, out: io.StringIO) -> None:
    event = packed()
    results(backend, [event])
    assert results(backend, [event, event]) == [{"id": event["id"], "status": "duplicate"}] * 2
    assert backend.notifications() == [ZOE_PACKED]
    assert out.getvalue().count("notify customer") == 1


def test_duplicates_survive_a_restart(db_path: Path, backend: ReferenceBackend) -> None:
    event = packed()
    results(backend, [event])
    backend.stop()
    again_out = io.StringIO()
    with ReferenceBackend(DEMO_DATA, db_path, out=again_out) as again:
        assert results(again, [event]) == [{"id": event["id"], "status": "duplicate"}]
        assert again.notifications() == []
        assert again_out.getvalue() == ""
        assert order_status(again, "SO-100234") == "packed"


def test_same_id_from_another_station_is_a_different_event(backend: ReferenceBackend) -> None:
    first = packed()
    second = packed(source="urn:station:PACK-02", id=first["id"])
    assert [r["status"] for r in results(backend, [first, second])] == ["accepted", "accepted"]


def test_unknown_order_is_rejected_without_notification(backend: ReferenceBackend) -> None:
    event = packed("SO-1")
    assert results(backend, [event]) == [
        {"id": event["id"], "status": "rejected", "error": "unknown order SO-1"}]
    assert backend.notifications() == []


BAD_ENVELOPES: list[tuple[str, Any]] = [
    ("specversion", "0.3"), ("source", "station:PACK-01"), ("source", "urn:station:"),
    ("type", "station.order.lost"), ("subject", ""), ("time", "22/11/2026 14:03"),
    ("time", "2026-13-22T14:03:07Z"), ("time", "2026-11-22T14:03:07"), ("stationseq", "7"),
    ("stationseq", True), ("data", "SO-100234"), ("datacontenttype", "text/plain"),
]


@pytest.mark.parametrize(("name", "value"), BAD_ENVELOPES)
def test_bad_envelope_is_rejected_and_the_rest_go_on(
        backend: ReferenceBackend, name: str, value: Any) -> None:
    bad, good = packed(**{name: value}), packed("SO-100235")
    found = results(backend, [bad, good])
    assert found[0]["id"] == bad["id"]
    assert found[0]["status"] == "rejected"
    assert found[0]["error"]
    assert found[1] == {"id": good["id"], "status": "accepted"}
    assert len(backend.notifications()) == 1


@pytest.mark.parametrize("missing", ["id", "source", "type", "subject", "time", "stationseq"])
def test_missing_attribute_is_rejected(backend: ReferenceBackend, missing: str) -> None:
    event = packed()
    del event[missing]
    found = results(backend, [event])
    assert found[0]["status"] == "rejected"


@pytest.mark.parametrize("drop", ["station_id", "operator"])
def test_data_needs_station_and_operator(backend: ReferenceBackend, drop: str) -> None:
    event = packed()
    del event["data"][drop]
    assert results(backend, [event])[0]["status"] == "rejected"


def test_non_object_in_the_array_is_rejected_alone(backend: ReferenceBackend) -> None:
    good = packed()
    found = results(backend, [42, good])
    assert found[0] == {"id": None, "status": "rejected", "error": "event must be a JSON object"}
    assert found[1]["status"] == "accepted"


def test_results_come_in_request_order(backend: ReferenceBackend) -> None:
    events = [packed("SO-100234"), packed("SO-1"), packed("SO-100235")]
    found = results(backend, events)
    assert [r["id"] for r in found] == [e["id"] for e in events]
    assert [r["status"] for r in found] == ["accepted", "rejected", "accepted"]


def test_wrong_content_type_is_415(backend: ReferenceBackend) -> None:
    assert post(backend, [packed()], content_type="application/json").status_code == 415
    assert backend.notifications() == []


def test_charset_parameter_is_fine(backend: ReferenceBackend) -> None:
    reply = post(backend, [packed()], content_type=f"{EVENTS_TYPE}; charset=utf-8")
    assert reply.status_code == 200


@pytest.mark.parametrize("body", [b'{"specversion": "1.0"}', b"not json", b"\xff\xfe[]"])
def test_not_an_array_is_400_for_the_whole_batch(backend: ReferenceBackend, body: bytes) -> None:
    reply = post(backend, body)
    assert reply.status_code == 400
    assert "error" in reply.json()


def test_too_many_events_is_413(backend: ReferenceBackend) -> None:
    assert post(backend, [packed("SO-1")] * 1001).status_code == 413
    assert post(backend, [packed("SO-1")] * 1000).status_code == 200


def test_body_over_5_mb_is_413(backend: ReferenceBackend) -> None:
    body = b"[" + b" " * (5 * 1024 * 1024) + b"]"
    assert post(backend, body).status_code == 413
    assert post(backend, [packed()]).status_code == 200


def test_empty_batch(backend: ReferenceBackend) -> None:
    assert results(backend, []) == []


def test_token_required_for_events(db_path: Path) -> None:
    with ReferenceBackend(DEMO_DATA, db_path, token="t0ken", out=io.StringIO()) as server:
        assert post(server, [packed()]).status_code == 401
        assert server.notifications() == []
        ok = post(server, [packed()], headers={"Authorization": "Bearer t0ken"})
        assert ok.json()["results"][0]["status"] == "accepted"


def test_handed_over_marks_the_order_shipped_and_notifies(backend: ReferenceBackend) -> None:
    data = {"order_number": "SO-100235", "package_no": 1, "carrier": "DHL",
            "tracking_number": "00340434161094042564", "manifest_id": "MAN-1",
            "handed_over_at": "2026-11-22T16:00:00Z"}
    handed = make_event("station.shipment.handed_over", "SO-100235", data, seq=2)
    found = results(backend, [packed("SO-100235"), handed])
    assert [r["status"] for r in found] == ["accepted", "accepted"]
    assert backend.notifications()[1] == (
        "notify customer Ελένη Παπαδοπούλου <eleni.papadopoulou@example.gr>: order SO-100235"
        " shipped with DHL, tracking 00340434161094042564 (package 1)")
    assert order_status(backend, "SO-100235") == "shipped"
    results(backend, [packed("SO-100235", seq=3)])  # a repack does not undo the hand-over
    assert order_status(backend, "SO-100235") == "shipped"


def _return_event(event_type: str, seq: int, **data: Any) -> dict[str, Any]:
    data = {"rma_number": "RMA-5001", "order_number": "SO-100242", **data}
    return make_event(event_type, "RMA-5001", data, seq=seq, station="RET-01")


def test_return_flow_notifies_and_closes_the_rma(backend: ReferenceBackend) -> None:
    events = [
        _return_event("station.return.received", 1, tracking_number="1Z999AA10123456784",
                      received_at="2026-11-22T09:00:00Z"),
        _return_event("station.return.item_graded", 2, line_id="1", sku="SCARF-WOOL-GRY",
                      grade="B", disposition="RESTOCK", lpn="LPN00200000042"),
        _return_event("station.return.completed", 3, refund_recommendation="partial",
                      items=[], missing=[], unexpected=[]),
    ]
    assert [r["status"] for r in results(backend, events)] == ["accepted"] * 3
    prefix = "notify customer Ελένη Παπαδοπούλου <eleni.papadopoulou@example.gr>: "
    assert backend.notifications() == [
        prefix + "return RMA-5001 for order SO-100242 received at RET-01",
        prefix + "return RMA-5001 for order SO-100242: unit SCARF-WOOL-GRY graded B (RESTOCK)",
        prefix + "return RMA-5001 for order SO-100242 completed (refund recommendation: partial)",
    ]
    rma = requests.get(f"{backend.url}/v1/returns/RMA-5001", timeout=5).json()
    assert rma["status"] == "closed"


def test_return_references_are_checked(backend: ReferenceBackend) -> None:
    unknown = _return_event("station.return.received", 1, rma_number="RMA-1")
    mismatch = _return_event("station.return.received", 2, order_number="SO-100234")
    bad_grade = _return_event("station.return.item_graded", 3, sku="SCARF-WOOL-GRY", grade="E",
                              disposition="RESTOCK")
    found = results(backend, [unknown, mismatch, bad_grade])
    assert [r["status"] for r in found] == ["rejected"] * 3
    assert found[0]["error"] == "unknown return RMA-1"
    assert backend.notifications() == []


def test_return_without_rma(backend: ReferenceBackend) -> None:
    event = _return_event("station.return.received", 1, rma_number=None)
    assert results(backend, [event])[0]["status"] == "accepted"
    assert backend.notifications()[0].endswith(": return for order SO-100242 received at RET-01")


def test_racing_posts_of_one_event_accept_it_once(backend: ReferenceBackend) -> None:
    event = packed()
    statuses: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        status = results(backend, [event])[0]["status"]
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 7
    assert backend.notifications() == [ZOE_PACKED]


def test_default_output_is_stdout(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ReferenceBackend(DEMO_DATA, db_path) as server:
        results(server, [packed()])
    assert capsys.readouterr().out == ZOE_PACKED + "\n"
