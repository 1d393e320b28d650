"""The contract as a file: docs/backend-api.yaml is valid OpenAPI 3.1, the reference backend's answers
match it, and so do the requests and CloudEvents a real station sends, over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.deserializing.media_types.util import json_loads
from openapi_spec_validator import validate as validate_spec
from openapi_spec_validator.readers import read_from_filename
from refbackend_helpers import DEMO_DATA, EVENTS_TYPE, make_event, packed

import station
from station.bootstrap import build_station
from station.config import validate as validate_config
from station.domain.scan import Scan
from station.refbackend import ReferenceBackend, Reply, Request
from station.storage.outbox import outbox_counts

SPEC_PATH = Path(__file__).resolve().parents[3] / "docs" / "backend-api.yaml"
SPEC: dict[str, Any] = dict(read_from_filename(str(SPEC_PATH))[0])
DATA: dict[str, Any] = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
ORDERS = [order["order_number"] for order in DATA["orders"]]
RMAS = [rma["rma_number"] for rma in DATA["returns"]]
RMA_TRACKING = [(rma["rma_number"], rma["return_tracking_number"]) for rma in DATA["returns"]
                if rma["return_tracking_number"]]
OPERATOR = {"badge": "EMP-2001", "name": "Li Wei"}
AT = "2026-11-22T14:03:07Z"


def closed(node: Any) -> Any:
    """A copy of the description in which an object schema allows no properties but those it lists:
    a real backend may add fields, the reference backend sends only what the contract names."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: closed(value) for key, value in node.items()}
    kinds = copy.get("type")
    if "properties" in copy and "object" in (kinds if isinstance(kinds, list) else [kinds]):
        copy.setdefault("additionalProperties", False)
    return copy


@pytest.fixture(scope="module")
def api() -> OpenAPI:
    config = Config(extra_media_type_deserializers={EVENTS_TYPE: json_loads})
    return OpenAPI.from_dict(closed(SPEC), config=config)


@pytest.fixture
def session(backend_token: str) -> Iterator[requests.Session]:
    """Requests with the headers the contract asks of a station."""
    with requests.Session() as client:
        client.headers.update({"User-Agent": f"station/{station.__version__}", "X-Station-Id": "PACK-01",
                               "Authorization": f"Bearer {backend_token}"})
        yield client


def conforms(api: OpenAPI, response: requests.Response, status: int, *,
             valid_request: bool = True) -> requests.Response:
    """The answer has the expected status, documented for its operation, with the documented headers
    and body; the request itself conforms too unless the test sends a bad one on purpose."""
    assert response.status_code == status, response.text
    request = RequestsOpenAPIRequest(response.request)
    if valid_request:
        api.validate_request(request)
    api.validate_response(request, RequestsOpenAPIResponse(response))
    return response


def request_errors(api: OpenAPI, request: requests.Request | requests.PreparedRequest) -> list[str]:
    """Why a request breaks the contract, with the schema errors behind it: empty when it conforms."""
    errors = []
    for error in api.iter_request_errors(RequestsOpenAPIRequest(request)):
        causes = getattr(error.__cause__, "schema_errors", ()) or ()
        errors.append("; ".join([str(error), *(f"{list(e.absolute_path)}: {e.message}" for e in causes)]))
    return errors


def post_events(session: requests.Session, url: str, body: Any, *,
                content_type: str = EVENTS_TYPE) -> requests.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return session.post(f"{url}/v1/events", data=raw, headers={"Content-Type": content_type}, timeout=10)


# -- the file ------------------------------------------------------------------------------------------

def test_the_description_is_valid_openapi_3_1() -> None:
    validate_spec(SPEC)
    assert SPEC["openapi"] == "3.1.0"


def test_it_describes_every_endpoint_of_the_contract_and_its_answers() -> None:
    answers = {(method.upper(), path): set(operation["responses"])
               for path, item in SPEC["paths"].items() for method, operation in item.items()}
    credentials = {"401", "403"}
    assert answers == {
        ("GET", "/v1/catalog"): {"200", "304"} | credentials,
        ("GET", "/v1/orders/{order_number}"): {"200", "404"} | credentials,
        ("POST", "/v1/shipments"): {"201", "404", "501"} | credentials,
        ("GET", "/v1/returns/{rma_number}"): {"200", "404"} | credentials,
        ("GET", "/v1/returns"): {"200", "400", "404"} | credentials,
        ("POST", "/v1/events"): {"200", "400", "413", "415", "422", "429", "503"} | credentials,
    }
    assert SPEC["security"] == [{"bearerAuth": []}]
    assert set(SPEC["paths"]["/v1/events"]["post"]["requestBody"]["content"]) == {EVENTS_TYPE}


# -- the reference backend's answers ----------------------------------------------------------------

def test_catalog_and_304_with_its_etag(api: OpenAPI, refbackend: ReferenceBackend,
                                       session: requests.Session) -> None:
    first = conforms(api, session.get(f"{refbackend.url}/v1/catalog", timeout=5), 200)
    assert first.json() == DATA["catalog"]
    again = session.get(f"{refbackend.url}/v1/catalog", headers={"If-None-Match": first.headers["ETag"]},
                        timeout=5)
    conforms(api, again, 304)
    assert again.content == b"" and again.headers["ETag"] == first.headers["ETag"]


@pytest.mark.parametrize("order_number", ORDERS)
def test_every_demo_order(api: OpenAPI, refbackend: ReferenceBackend, session: requests.Session,
                          order_number: str) -> None:
    reply = conforms(api, session.get(f"{refbackend.url}/v1/orders/{order_number}", timeout=5), 200)
    assert reply.json()["order_number"] == order_number


def test_unknown_order(api: OpenAPI, refbackend: ReferenceBackend, session: requests.Session) -> None:
    reply = conforms(api, session.get(f"{refbackend.url}/v1/orders/SO-1", timeout=5), 404)
    assert reply.json() == {"error": "unknown order SO-1"}


@pytest.mark.parametrize("rma_number", RMAS)
def test_every_demo_return(api: OpenAPI, refbackend: ReferenceBackend, session: requests.Session,
                           rma_number: str) -> None:
    reply = conforms(api, session.get(f"{refbackend.url}/v1/returns/{rma_number}", timeout=5), 200)
    assert reply.json()["rma_number"] == rma_number


@pytest.mark.parametrize(("rma_number", "tracking"), RMA_TRACKING)
def test_a_return_by_its_tracking_number(api: OpenAPI, refbackend: ReferenceBackend,
                                         session: requests.Session, rma_number: str, tracking: str) -> None:
    reply = session.get(f"{refbackend.url}/v1/returns", params={"tracking": tracking}, timeout=5)
    assert conforms(api, reply, 200).json()["rma_number"] == rma_number


def test_unknown_returns(api: OpenAPI, refbackend: ReferenceBackend, session: requests.Session) -> None:
    conforms(api, session.get(f"{refbackend.url}/v1/returns/RMA-1", timeout=5), 404)
    unknown = session.get(f"{refbackend.url}/v1/returns", params={"tracking": "1Z999AA10123456785"},
                          timeout=5)
    conforms(api, unknown, 404)
    conforms(api, session.get(f"{refbackend.url}/v1/returns", timeout=5), 400, valid_request=False)


def test_shipments_are_unsupported(api: OpenAPI, refbackend: ReferenceBackend,
                                   session: requests.Session) -> None:
    package = {"order_number": "SO-100234", "package_no": 1, "weight_g": 712, "dims_mm": [250, 200, 100],
               "box": "BOX-S"}
    conforms(api, session.post(f"{refbackend.url}/v1/shipments", json=package, timeout=5), 501)


def test_without_the_token_every_call_is_401(api: OpenAPI, refbackend: ReferenceBackend,
                                             session: requests.Session) -> None:
    del session.headers["Authorization"]
    for reply in (session.get(f"{refbackend.url}/v1/catalog", timeout=5),
                  session.get(f"{refbackend.url}/v1/orders/SO-100234", timeout=5),
                  post_events(session, refbackend.url, [packed()])):
        conforms(api, reply, 401, valid_request=False)
        assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def one_of_each_type() -> list[dict[str, Any]]:
    """One valid event of each of the five types, in the words of events.md's examples."""
    rma = {"rma_number": "RMA-5001", "order_number": "SO-100242"}
    return [
        packed("SO-100235", seq=1),
        make_event("station.shipment.handed_over", "SO-100235", {
            "order_number": "SO-100235", "package_no": 1, "tracking_number": "00340434161094042564",
            "carrier": "DHL", "manifest_id": "MAN-2026-11-22-1", "handed_over_at": AT}, seq=2),
        make_event("station.return.received", "RMA-5001", {
            **rma, "tracking_number": "1Z999AA10123456784", "received_at": AT}, seq=3, station="RET-01"),
        make_event("station.return.item_graded", "RMA-5001", {
            **rma, "line_id": "1", "sku": "SCARF-WOOL-GRY", "serial": None, "lot": None, "expected": True,
            "serial_matches_shipment": None, "grade": "B", "defects": ["packaging_damaged"],
            "disposition": "RESTOCK", "lpn": "LPN00200000042", "notes": "", "graded_at": AT},
            seq=4, station="RET-01"),
        make_event("station.return.completed", "RMA-5001", {
            **rma, "completed_at": AT,
            "items": [{"sku": "SCARF-WOOL-GRY", "grade": "B", "disposition": "RESTOCK",
                       "lpn": "LPN00200000042", "expected": True}],
            "missing": [{"line_id": "2", "sku": "TSHIRT-BLK-L", "quantity": 1}], "unexpected": [],
            "refund_recommendation": "partial"}, seq=5, station="RET-01"),
    ]


def test_events_accepted_duplicate_and_rejected(api: OpenAPI, refbackend: ReferenceBackend,
                                                session: requests.Session) -> None:
    events = one_of_each_type()
    unknown = packed("SO-1", seq=6)
    reply = conforms(api, post_events(session, refbackend.url, [*events, unknown]), 200)
    assert [r["status"] for r in reply.json()["results"]] == ["accepted"] * 5 + ["rejected"]
    again = conforms(api, post_events(session, refbackend.url, events), 200)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 5
    # The statuses the events changed are still the contract's.
    order = conforms(api, session.get(f"{refbackend.url}/v1/orders/SO-100235", timeout=5), 200)
    rma = conforms(api, session.get(f"{refbackend.url}/v1/returns/RMA-5001", timeout=5), 200)
    assert (order.json()["status"], rma.json()["status"]) == ("shipped", "closed")


def test_a_rejected_event_without_an_id(api: OpenAPI, refbackend: ReferenceBackend,
                                        session: requests.Session) -> None:
    reply = conforms(api, post_events(session, refbackend.url, [42]), 200, valid_request=False)
    assert reply.json() == {"results": [{"id": None, "status": "rejected",
                                         "error": "event must be a JSON object"}]}


def test_whole_batch_errors(api: OpenAPI, refbackend: ReferenceBackend, session: requests.Session) -> None:
    conforms(api, post_events(session, refbackend.url, b"not json"), 400, valid_request=False)
    conforms(api, post_events(session, refbackend.url, {"specversion": "1.0"}), 400, valid_request=False)
    wrong_type = post_events(session, refbackend.url, [packed()], content_type="application/json")
    conforms(api, wrong_type, 415, valid_request=False)
    too_many = [packed("SO-100234", seq=n) for n in range(1, 1002)]
    assert not request_errors(api, requests.Request(
        "POST", f"{refbackend.url}/v1/events", data=json.dumps(too_many).encode(),
        headers={**session.headers, "Content-Type": EVENTS_TYPE}))  # the batch is fine, just too big
    conforms(api, post_events(session, refbackend.url, too_many), 413)


def fault(**changes: Any) -> dict[str, Any]:
    """The item_graded event of one_of_each_type with envelope or data fields changed (None: removed)."""
    event = one_of_each_type()[3]
    for name, value in changes.items():
        target = event["data"] if name.startswith("data_") else event
        key = name.removeprefix("data_")
        if value is None:
            del target[key]
        else:
            target[key] = value
    return event


BROKEN_EVENTS = {
    "grade E": (fault(data_grade="E"), True),
    "unknown disposition": (fault(data_disposition="SELL"), True),
    "unknown type": (fault(type="station.return.lost"), True),
    "time not in UTC": (fault(time="2026-11-22T15:03:07+01:00"), True),
    "id not a UUID v4": (fault(id="event-1"), True),
    "no operator": (fault(data_operator=None), True),
    "source not a station URN": (fault(source="station:RET-01"), True),
    "stationseq a string": (fault(stationseq="4"), True),
    "LPN of the wrong shape": (fault(data_lpn="LPN42"), False),
    "a field events.md does not name": (fault(data_colour="grey"), False),
    "graded_at missing": (fault(data_graded_at=None), False),
    "an attribute of no version": (fault(priority="high"), False),
}


@pytest.mark.parametrize(("event", "backend_rejects"), BROKEN_EVENTS.values(), ids=BROKEN_EVENTS.keys())
def test_the_event_schemas_refuse_broken_events(api: OpenAPI, refbackend: ReferenceBackend,
                                                session: requests.Session, event: dict[str, Any],
                                                backend_rejects: bool) -> None:
    reply = conforms(api, post_events(session, refbackend.url, [event]), 200, valid_request=False)
    assert request_errors(api, reply.request)
    # The reference backend checks the envelope and the fields it acts on, not every field.
    assert (reply.json()["results"][0]["status"] == "rejected") is backend_rejects


# -- what a real station sends -------------------------------------------------------------------------

TODAY = date(2026, 11, 22)  # the insert rules and lot expiry depend on the date
HEADPHONES, CREAM, SCARF, SOCKS = "840632110421", "3760123450010", "8034512000120", "5906123000451"
# Packing: a kit, two boxes and inserts (one out of stock); a serial; a lot shipped short.
PACKING = [
    "EMP-1001", "SO-100234", "BOX-S", "4006381333931", "4006381333931", "CMD-NEW-BOX", "BOX-M",
    "KIT-GIFTSET-1", "INS-VIP", "INS-XMAS", "INS-XMAS", "INS-WELCOME",
    "SO-100236", HEADPHONES, "HB1A24K09999", SOCKS, SOCKS, "INS-XMAS", "INS-XMAS",
    "SO-100237", f"(01)0{CREAM}(17)261231(10)L42", "CMD-SHORT-SHIP", "EMP-9001", "2468",
    "tea out of stock",
]
# Returns: by tracking number with an unexpected and a missing unit; a wrong serial; no RMA at all.
RETURNS = [
    "EMP-2001", "1Z999AA10123456784", SCARF, "GRADE-B", SOCKS, "GRADE-A", "DEFECT-PACKAGING-DAMAGED",
    "CMD-DONE",
    "RMA-5002", HEADPHONES, "HB9Z99X00001", "GRADE-X", "CMD-DONE",
    "SO-100243", SOCKS, "GRADE-B", "CMD-DONE",
]


def as_requests_request(backend: ReferenceBackend, seen: Request) -> requests.Request:
    query = f"?{urlencode(seen.query, doseq=True)}" if seen.query else ""
    return requests.Request(seen.method, f"{backend.url}{seen.path}{query}", headers=dict(seen.headers),
                            data=seen.body or None)


def test_a_stations_requests_and_events_conform(api: OpenAPI, refbackend: ReferenceBackend,
                                                backend_token: str, tmp_path: Path) -> None:
    seen: list[Request] = []

    def record(request: Request) -> Reply | None:
        seen.append(request)
        return None

    refbackend.hooks.append(record)
    token_file = tmp_path / "token"
    token_file.write_text(backend_token, encoding="utf-8")
    prints = f"pdf:{tmp_path / 'prints'}"
    config = replace(validate_config({
        "station": {"id": "PACK-01", "number": 1},
        "database": {"url": f"sqlite:///{tmp_path / 'station.sqlite'}"},
        "backend": {"url": refbackend.url, "token_file": str(token_file)},
        "printers": {"label": {"target": prints}, "item": {"target": prints},
                     "document": {"target": prints}}}), data_dir=tmp_path)
    app = build_station(config)
    try:
        assert app.refresher is not None
        app.refresher.refresh_now()
        app.refresher.refresh_now()  # If-None-Match: 304
        app.desk.packing.p.today = lambda: TODAY
        for code in PACKING + RETURNS:
            app.desk.handle(Scan(code))
        app.relay.run_once()
        with app.db.read() as s:
            counts = outbox_counts(s)
    finally:
        app.stop()

    calls = [(r.method, r.path) for r in seen]
    for expected in [("GET", "/v1/catalog"), ("GET", "/v1/orders/SO-100234"), ("GET", "/v1/returns"),
                     ("GET", "/v1/returns/RMA-5002"), ("POST", "/v1/events")]:
        assert expected in calls
    for request in seen:
        assert request_errors(api, as_requests_request(refbackend, request)) == [], request.path
    sent = [event for r in seen if r.path == "/v1/events" for event in json.loads(r.body)]
    assert [e["type"] for e in sent].count("station.order.packed") == 3
    assert {e["type"] for e in sent} == {"station.order.packed", "station.return.received",
                                         "station.return.item_graded", "station.return.completed"}
    assert [e["stationseq"] for e in sent] == sorted(e["stationseq"] for e in sent)
    # ...and the reference backend took every one of them.
    assert counts == {"pending": 0, "delivered": len(sent), "dead": 0}
