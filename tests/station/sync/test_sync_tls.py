"""TLS to the backend (backend-api.md, Transport): always verified, a private CA taken from
`backend.ca_bundle`, against the reference backend served over HTTPS on loopback."""

from __future__ import annotations

import io
import logging
import ssl
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from station.bootstrap import build_station
from station.config import validate
from station.refbackend import ReferenceBackend
from station.storage.outbox import outbox_counts, record_event
from station.sync.client import BackendClient, BackendUnreachable
from tests.conftest import BACKEND_TOKEN


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_backend(ca: trustme.CA, refbackend_data: Path, tmp_path: Path) -> Iterator[str]:
    """The reference backend behind TLS with a certificate of a private CA; yields its https URL."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    backend = ReferenceBackend(refbackend_data, tmp_path / "backend.sqlite", token=BACKEND_TOKEN,
                               out=io.StringIO(), tls=context)
    backend.start()
    assert backend.url.startswith("https://127.0.0.1:")
    yield backend.url.replace("https://127.0.0.1", "https://localhost")  # checked by host name
    backend.stop()


def client(url: str, ca_bundle: str = "") -> BackendClient:
    return BackendClient(url, token=BACKEND_TOKEN, station_id="PACK-01", timeout_s=5, ca_bundle=ca_bundle)


def test_a_certificate_of_the_private_ca_in_ca_bundle_is_trusted(https_backend: str, ca: trustme.CA,
                                                                 tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    fetched = client(https_backend, str(bundle)).get_catalog(None)
    assert fetched.body is not None and fetched.body["products"]


def test_without_the_ca_the_certificate_is_refused_and_the_token_never_said(
        https_backend: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BackendUnreachable) as refused:
        client(https_backend).get_catalog(None)
    assert str(refused.value) == "backend TLS certificate could not be verified"
    assert BACKEND_TOKEN not in caplog.text and BACKEND_TOKEN not in str(refused.value)


def test_a_station_configured_with_ca_bundle_syncs_over_tls(https_backend: str, ca: trustme.CA,
                                                            tmp_path: Path) -> None:
    bundle, token = tmp_path / "ca.pem", tmp_path / "token"
    ca.cert_pem.write_to_path(str(bundle))
    token.write_text(BACKEND_TOKEN, encoding="utf-8")
    config = replace(validate({
        "database": {"url": f"sqlite:///{tmp_path / 'station.sqlite'}"},
        "backend": {"url": https_backend, "token_file": str(token), "ca_bundle": str(bundle)}}),
        data_dir=tmp_path)
    station = build_station(config)
    try:
        assert station.refresher is not None
        station.refresher.refresh_now()
        assert station.catalog.current().products  # the catalog came over TLS
        with station.db.unit_of_work() as session:
            record_event(session, station_id="PACK-01", type="station.order.packed", subject="SO-100234",
                         data=packed_data(), time=datetime(2026, 11, 22, 14, 0, tzinfo=UTC))
        station.relay.run_once()
        with station.db.read() as session:
            assert outbox_counts(session)["delivered"] == 1
    finally:
        station.stop()


def packed_data() -> dict[str, object]:
    return {"order_number": "SO-100234", "packed_at": "2026-11-22T14:00:00Z", "station_id": "PACK-01",
            "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 60, "packages": [],
            "inserts": [], "skipped_inserts": [], "short_items": [], "override": None}
