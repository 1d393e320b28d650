"""The backend client: one requests.Session, timeouts, credentials, and errors safe to show.

The token only ever goes into the Authorization header; no message here can contain it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

import station

EVENTS_CONTENT_TYPE = "application/cloudevents-batch+json"
KEYRING_SERVICE = "station"
KEYRING_USER = "backend-token"


class BackendError(Exception):
    """A failed call; `kind` says what the station should do about it."""

    kind = "error"


class BackendUnreachable(BackendError):
    kind = "unreachable"


class BackendAuthError(BackendError):
    kind = "auth"


class BackendMisconfigured(BackendError):
    kind = "misconfigured"


class BackendDataError(BackendError):
    kind = "data"


@dataclass(frozen=True)
class CatalogFetch:
    body: dict[str, Any] | None  # None when 304 Not Modified
    etag: str | None


@dataclass(frozen=True)
class PostResult:
    status: int
    results: list[dict[str, Any]] | None
    retry_after_s: float | None


def resolve_token(token_file: str) -> str | None:
    """The token from backend.token_file, else $STATION_BACKEND_TOKEN, else the system keyring."""
    if token_file:
        try:
            return Path(token_file).expanduser().read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise BackendError(f"cannot read backend.token_file: {exc.strerror}") from None
    env = os.environ.get("STATION_BACKEND_TOKEN")
    if env:
        return env.strip()
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:  # no keyring backend on this machine is a normal case: no token
        return None


class BackendClient:
    def __init__(self, base_url: str, *, token: str | None, station_id: str, timeout_s: float = 10,
                 ca_bundle: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(timeout_s, 5.0), timeout_s)
        self._session = requests.Session()
        self._session.headers.update({
            "User-Agent": f"station/{station.__version__}", "X-Station-Id": station_id,
            "Accept": "application/json",
        })
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"
        # Passed with every request: a session's own `verify` loses to $REQUESTS_CA_BUNDLE.
        self._verify: str | bool = ca_bundle or True

    def close(self) -> None:
        self._session.close()

    def get_catalog(self, etag: str | None) -> CatalogFetch:
        headers = {"If-None-Match": etag} if etag else {}
        response = self._request("GET", "/v1/catalog", headers=headers)
        if response.status_code == 304:
            return CatalogFetch(None, etag)
        self._raise_for(response)
        return CatalogFetch(_json_object(response), response.headers.get("ETag"))

    def get_order(self, order_number: str) -> dict[str, Any] | None:
        return self._get_optional(f"/v1/orders/{quote(order_number, safe='')}")

    def get_return(self, rma_number: str) -> dict[str, Any] | None:
        return self._get_optional(f"/v1/returns/{quote(rma_number, safe='')}")

    def find_return_by_tracking(self, tracking_number: str) -> dict[str, Any] | None:
        return self._get_optional(f"/v1/returns?tracking={quote(tracking_number, safe='')}")

    def post_events(self, events: list[dict[str, Any]]) -> PostResult:
        return self.post_event_json([json.dumps(event, ensure_ascii=False, separators=(",", ":"))
                                     for event in events])

    def post_event_json(self, events: Sequence[str]) -> PostResult:
        """POST /v1/events with a batch of CloudEvents each already serialised as a JSON object."""
        body = f"[{','.join(events)}]".encode()
        response = self._request("POST", "/v1/events", data=body, allow_redirects=False,
                                 headers={"Content-Type": EVENTS_CONTENT_TYPE})
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if response.status_code != 200:
            return PostResult(response.status_code, None, retry_after)
        payload = _json_object(response)
        results = payload.get("results")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise BackendDataError("backend answered POST /v1/events without a results list")
        return PostResult(200, results, retry_after)

    def request_shipment(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """POST /v1/shipments: the carrier's label for one package; None when the backend has no
        label service (404 or 501)."""
        body = json.dumps(request, ensure_ascii=False).encode("utf-8")
        response = self._request("POST", "/v1/shipments", data=body, allow_redirects=False,
                                 headers={"Content-Type": "application/json"})
        if response.status_code in (404, 501):
            return None
        self._raise_for(response)
        if response.status_code != 201:
            raise BackendDataError(f"backend answered POST /v1/shipments with {response.status_code}")
        return _json_object(response)

    def _get_optional(self, path: str) -> dict[str, Any] | None:
        response = self._request("GET", path)
        if response.status_code == 404:
            return None
        self._raise_for(response)
        return _json_object(response)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            return self._session.request(method, self.base_url + path, timeout=self.timeout,
                                         verify=self._verify, **kwargs)
        except requests.Timeout:
            raise BackendUnreachable(f"backend did not answer within {self.timeout[1]:g} s") from None
        except requests.exceptions.SSLError:
            raise BackendUnreachable("backend TLS certificate could not be verified") from None
        except requests.ConnectionError:
            raise BackendUnreachable(f"backend unreachable at {self.base_url}") from None
        except requests.RequestException as exc:
            raise BackendUnreachable(f"backend request failed: {exc.__class__.__name__}") from None

    @staticmethod
    def _raise_for(response: requests.Response) -> None:
        status = response.status_code
        if status in (401, 403):
            raise BackendAuthError("backend rejected the credentials")
        if status in (404, 405, 410, 415):
            raise BackendMisconfigured(f"backend answered {status}: check backend.url")
        if status >= 500:
            raise BackendUnreachable(f"backend error {status}")
        if status >= 400:
            raise BackendError(f"backend refused the request ({status})")


def _json_object(response: requests.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        raise BackendDataError("backend sent malformed JSON") from None
    if not isinstance(payload, dict):
        raise BackendDataError("backend sent JSON that is not an object")
    return payload


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
