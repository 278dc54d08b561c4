"""A local fake of the parts of the Stripe API the donation flow uses.

It keeps state (customers, products, prices, checkout sessions, subscriptions, invoices, charges,
billing portal sessions), decodes Stripe's form encoding (``line_items[0][price_data][currency]``),
answers with JSON objects carrying ``object`` and Stripe-style ids, returns Stripe's error bodies and
status codes, replays idempotent requests, and can be told to fail (429/500) or stall (timeouts).

It also plays the part of Stripe's event system: the ``complete_checkout``/``renew``/... helpers
change state the way a real customer action would and return the webhook events Stripe would send,
ready to be signed with :func:`sign_payload` and posted to our endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-01-28.clover"
DEFAULT_CARD = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034, "funding": "credit"}


# A period of each price interval, as the fake counts it (Stripe uses calendar months and years).
PERIOD_SECONDS = {"day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}
# Stripe's default Smart Retries schedule, roughly: the next attempts after a failed renewal.
RETRY_DAYS = (3, 5, 7)


def _period(price: dict[str, Any]) -> int:
    recurring = price.get("recurring") or {}
    return PERIOD_SECONDS.get(recurring.get("interval", "month"), PERIOD_SECONDS["month"]) * int(
        recurring.get("interval_count", 1)
    )


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def sign_payload(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for ``payload``: ``t=<unix>,v1=HMAC-SHA256(secret, "t.payload")``."""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's nested form encoding into dicts and lists (``a[b][0][c]=1``)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            next_is_index = not last and parts[index + 1].isdigit()
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if last:
                    node[position] = value
                else:
                    if node[position] is None:
                        node[position] = [] if next_is_index else {}
                    node = node[position]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if next_is_index else {})
    return root


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str = "",
        param: str = "",
    ):
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {"type": type_, "message": message, "code": code or None, "param": param or None}
        }


@dataclass
class Fault:
    status: int  # 0 means: don't answer until the client gives up (a timeout)
    path_prefix: str
    remaining: int
    delay: float = 0.0


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeStripeState:
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, int, bytes]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)


class FakeStripe:
    """State and behaviour of the fake; ``serve()`` exposes it over HTTP on 127.0.0.1."""

    api_key_prefix = "sk_test_"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.state = FakeStripeState()
        self.httpd: ThreadingHTTPServer | None = None
        self.base_url = ""
        self.card: dict[str, Any] = dict(DEFAULT_CARD)

    # ---- lifecycle -------------------------------------------------------------------------------

    def serve(self) -> str:
        handler = _make_handler(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True, name="fake-stripe").start()
        return self.base_url

    def shutdown(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.state = FakeStripeState()
            self.card = dict(DEFAULT_CARD)

    def use_card(self, **card: Any) -> None:
        """The card the next charges are made on (brand, last4, exp_month, exp_year)."""
        with self.lock:
            self.card = dict(DEFAULT_CARD) | card

    # ---- test controls ---------------------------------------------------------------------------

    def fail_next(self, status: int, *, count: int = 1, path_prefix: str = "/v1/") -> None:
        """The next ``count`` requests under ``path_prefix`` get ``status`` (429, 500...)."""
        with self.lock:
            self.state.faults.append(Fault(status=status, path_prefix=path_prefix, remaining=count))

    def stall_next(self, seconds: float, *, count: int = 1, path_prefix: str = "/v1/") -> None:
        """The next requests wait ``seconds`` before answering: longer than the client timeout, a timeout."""
        with self.lock:
            self.state.faults.append(Fault(status=0, path_prefix=path_prefix, remaining=count, delay=seconds))

    @property
    def requests(self) -> list[RecordedRequest]:
        return list(self.state.requests)

    def requests_to(self, path: str, method: str = "POST") -> list[RecordedRequest]:
        return [r for r in self.state.requests if r.path == path and r.method == method]

    def get(self, object_id: str) -> dict[str, Any]:
        return self.state.objects[object_id]

    def all(self, object_type: str) -> list[dict[str, Any]]:
        return [o for o in self.state.objects.values() if o["object"] == object_type]

    # ---- HTTP dispatch ---------------------------------------------------------------------------

    def handle(self, method: str, path: str, body: str, headers: dict[str, str]) -> tuple[int, dict, dict]:
        """Returns (status, json body, extra headers)."""
        params = decode_form(body) if method == "POST" else {}
        if method == "GET" and "?" in path:
            path, query = path.split("?", 1)
            params = decode_form(query)
        with self.lock:
            self.state.requests.append(RecordedRequest(method, path, params, headers))
            fault = self._take_fault(path)
        if fault is not None:
            if fault.status == 0:
                time.sleep(fault.delay)
            elif fault.status == 429:
                return (
                    429,
                    StripeError(
                        429,
                        "Too many requests hit the API too quickly.",
                        code="rate_limit",
                    ).body,
                    {},
                )
            else:
                return (
                    fault.status,
                    StripeError(
                        fault.status,
                        "An unknown error occurred.",
                        type_="api_error",
                    ).body,
                    {},
                )

        auth = headers.get("authorization", "")
        if not auth.startswith(f"Bearer {self.api_key_prefix}"):
            err = StripeError(401, "Invalid API Key provided.", code="api_key_invalid" if auth else "")
            return 401, err.body, {}

        key = headers.get("idempotency-key")
        fingerprint = hashlib.sha256(
            f"{method} {path} {json.dumps(params, sort_keys=True)}".encode()
        ).hexdigest()
        if method == "POST" and key:
            with self.lock:
                seen = self.state.idempotency.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    err = StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were "
                        "first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        type_="idempotency_error",
                    )
                    return 400, err.body, {}
                return seen[1], json.loads(seen[2]), {"Idempotent-Replayed": "true"}
        try:
            with self.lock:
                status, payload = 200, self._route(method, path, params)
        except StripeError as exc:
            status, payload = exc.status, exc.body
        if method == "POST" and key and status < 500:
            with self.lock:
                self.state.idempotency[key] = (fingerprint, status, json.dumps(payload).encode())
        return status, payload, {"Idempotency-Key": key} if key else {}

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self.state.faults:
            if fault.remaining > 0 and path.startswith(fault.path_prefix):
                fault.remaining -= 1
                return fault
        return None

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        parts = [p for p in path.split("/") if p]
        if not parts or parts[0] != "v1":
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        resource = "/".join(parts[1:])
        if method == "POST" and resource == "customers":
            return self.create_customer(params)
        if method == "POST" and resource == "products":
            return self.create_product(params)
        if method == "POST" and resource == "prices":
            return self.create_price(params)
        if method == "POST" and resource == "checkout/sessions":
            return self.create_checkout_session(params)
        if method == "POST" and resource == "billing_portal/sessions":
            return self.create_portal_session(params)
        if method == "GET" and len(parts) >= 3:
            object_id = parts[-1]
            obj = self.state.objects.get(object_id)
            if obj is None:
                raise StripeError(
                    404,
                    f"No such {parts[-2].rstrip('s')}: '{object_id}'",
                    code="resource_missing",
                    param="id",
                )
            return obj
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    # ---- resources -------------------------------------------------------------------------------

    def _store(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.state.objects[obj["id"]] = obj
        return obj

    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._store(
            {
                "id": new_id("cus"),
                "object": "customer",
                "created": int(time.time()),
                "livemode": False,
                "email": params.get("email"),
                "name": params.get("name"),
                "preferred_locales": params.get("preferred_locales", []),
                "metadata": params.get("metadata", {}),
            }
        )

    def create_product(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("name"):
            raise StripeError(400, "Missing required param: name.", code="parameter_missing", param="name")
        return self._store(
            {
                "id": new_id("prod"),
                "object": "product",
                "name": params["name"],
                "active": True,
                "metadata": params.get("metadata", {}),
                "created": int(time.time()),
            }
        )

    def create_price(self, params: dict[str, Any], *, product: str | None = None) -> dict[str, Any]:
        currency = params.get("currency")
        if not currency:
            raise StripeError(
                400, "Missing required param: currency.", code="parameter_missing", param="currency"
            )
        raw = params.get("unit_amount", "")
        if not str(raw).isdigit():
            raise StripeError(
                400, "Invalid integer: " + str(raw), code="parameter_invalid_integer", param="unit_amount"
            )
        recurring = params.get("recurring")
        if recurring is not None and recurring.get("interval") not in {"day", "week", "month", "year"}:
            raise StripeError(
                400,
                "Invalid recurring[interval]",
                code="parameter_invalid_empty",
                param="recurring[interval]",
            )
        if product is None and params.get("product_data"):
            product = self.create_product(params["product_data"])["id"]
        product = product or params.get("product")
        return self._store(
            {
                "id": new_id("price"),
                "object": "price",
                "active": True,
                "currency": currency.lower(),
                "unit_amount": int(raw),
                "product": product,
                "type": "recurring" if recurring else "one_time",
                "recurring": (
                    {
                        "interval": recurring["interval"],
                        "interval_count": int(recurring.get("interval_count", 1)),
                    }
                    if recurring
                    else None
                ),
                "livemode": False,
                "created": int(time.time()),
            }
        )

    def create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        mode = params.get("mode")
        if mode not in {"payment", "subscription", "setup"}:
            raise StripeError(400, "Missing required param: mode.", code="parameter_missing", param="mode")
        if not params.get("success_url") and params.get("ui_mode", "hosted") == "hosted":
            raise StripeError(
                400, "Missing required param: success_url.", code="parameter_missing", param="success_url"
            )
        if mode == "subscription" and params.get("submit_type"):
            raise StripeError(
                400, "`submit_type` can only be specified in `payment` mode.", param="submit_type"
            )
        items = params.get("line_items") or []
        if not items:
            raise StripeError(
                400, "Missing required param: line_items.", code="parameter_missing", param="line_items"
            )
        line_prices = []
        for item in items:
            if item.get("price_data"):
                data = dict(item["price_data"])
                price = self.create_price(data)
            else:
                price = self.state.objects.get(item.get("price", ""))
                if price is None:
                    raise StripeError(
                        400,
                        f"No such price: '{item.get('price')}'",
                        code="resource_missing",
                        param="line_items[0][price]",
                    )
            if mode == "subscription" and price["type"] != "recurring":
                raise StripeError(
                    400,
                    "You must provide at least one recurring price in `subscription` mode when using prices.",
                    param="line_items",
                )
            if mode == "payment" and price["type"] == "recurring":
                raise StripeError(
                    400, "You specified `payment` mode but passed a recurring price.", param="line_items"
                )
            line_prices.append((price, int(item.get("quantity", 1))))
        currencies = {p["currency"] for p, _ in line_prices}
        if len(currencies) != 1:
            raise StripeError(400, "All prices must be in the same currency.", param="line_items")
        if params.get("customer") and params["customer"] not in self.state.objects:
            raise StripeError(
                400, f"No such customer: '{params['customer']}'", code="resource_missing", param="customer"
            )
        session_id = new_id("cs")
        amount = sum(p["unit_amount"] * q for p, q in line_prices)
        return self._store(
            {
                "id": session_id,
                "object": "checkout.session",
                "mode": mode,
                "status": "open",
                "payment_status": "unpaid",
                "amount_subtotal": amount,
                "amount_total": amount,
                "currency": currencies.pop(),
                "customer": params.get("customer"),
                "customer_email": params.get("customer_email"),
                "customer_creation": params.get("customer_creation"),
                "customer_details": None,
                "client_reference_id": params.get("client_reference_id"),
                "locale": params.get("locale"),
                "metadata": params.get("metadata", {}),
                "submit_type": params.get("submit_type"),
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "payment_intent": None,
                "subscription": None,
                "invoice": None,
                "livemode": False,
                "created": int(time.time()),
                "expires_at": int(time.time()) + 24 * 3600,
                "subscription_data": params.get("subscription_data", {}),
                "url": f"{self.base_url}/checkout/{session_id}",
                "_line_items": [{"price": p, "quantity": q} for p, q in line_prices],
            }
        )

    def create_portal_session(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = params.get("customer")
        if not customer:
            raise StripeError(
                400, "Missing required param: customer.", code="parameter_missing", param="customer"
            )
        if customer not in self.state.objects:
            raise StripeError(
                400, f"No such customer: '{customer}'", code="resource_missing", param="customer"
            )
        session_id = new_id("bps")
        return self._store(
            {
                "id": session_id,
                "object": "billing_portal.session",
                "customer": customer,
                "return_url": params.get("return_url"),
                "locale": params.get("locale"),
                "livemode": False,
                "created": int(time.time()),
                "url": f"{self.base_url}/portal/{session_id}",
            }
        )

    # ---- what Stripe does when people act: state changes plus the webhook events ----------------

    def event(
        self,
        type_: str,
        obj: dict[str, Any],
        *,
        created: int | None = None,
        previous_attributes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": _public(obj)}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        return {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()) if created is None else created,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": new_id("req"), "idempotency_key": None},
            "type": type_,
        }

    def complete_checkout(
        self,
        session_id: str,
        *,
        email: str = "donor@example.org",
        name: str = "山田 花子",
        created: int | None = None,
        payment: str = "paid",
    ) -> list[dict[str, Any]]:
        """The donor pays on the Checkout page. Returns the events Stripe sends, in a typical order.

        ``payment="pending"``: a payment method that settles later (bank debit or transfer); the
        session completes unpaid and ``settle_async_payment`` decides.
        """
        if payment == "pending":
            return self._complete_checkout_pending(session_id, email=email, name=name, created=created)
        now = int(time.time()) if created is None else created
        with self.lock:
            session = self.state.objects[session_id]
            email = session.get("customer_email") or email
            events: list[dict[str, Any]] = []
            customer_id = session.get("customer")
            if customer_id is None and (
                session["mode"] == "subscription" or session.get("customer_creation") == "always"
            ):
                customer = self.create_customer({"email": email, "name": name})
                customer_id = customer["id"]
                events.append(self.event("customer.created", customer, created=now))
            session.update(
                status="complete",
                payment_status="paid",
                customer=customer_id,
                customer_details={
                    "email": email,
                    "name": name,
                    "address": None,
                    "phone": None,
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
            )
            price, quantity = session["_line_items"][0]["price"], session["_line_items"][0]["quantity"]
            if session["mode"] == "payment":
                intent_id = new_id("pi")
                charge = self._charge(
                    customer_id, session["amount_total"], session["currency"], intent_id, now
                )
                session["payment_intent"] = intent_id
                events.append(self.event("checkout.session.completed", session, created=now))
                events.append(self.event("charge.succeeded", charge, created=now))
                events.append(
                    self.event(
                        "payment_intent.succeeded",
                        {
                            "id": intent_id,
                            "object": "payment_intent",
                            "amount": session["amount_total"],
                            "amount_received": session["amount_total"],
                            "currency": session["currency"],
                            "customer": customer_id,
                            "latest_charge": charge["id"],
                            "status": "succeeded",
                            "metadata": {},
                        },
                        created=now,
                    )
                )
                return events
            subscription = self._subscription(customer_id, session, price, quantity, now)
            session["subscription"] = subscription["id"]
            invoice, charge = self._invoice(
                subscription, now, billing_reason="subscription_create", email=email
            )
            session["invoice"] = invoice["id"]
            events.append(self.event("customer.subscription.created", subscription, created=now))
            events.append(self.event("invoice.created", invoice | {"status": "draft"}, created=now))
            events.append(self.event("charge.succeeded", charge, created=now))
            events.append(self.event("checkout.session.completed", session, created=now))
            events.append(self.event("invoice.paid", invoice, created=now))
            events.append(self.event("invoice.payment_succeeded", invoice, created=now))
            return events

    def _complete_checkout_pending(
        self, session_id: str, *, email: str, name: str, created: int | None
    ) -> list[dict[str, Any]]:
        now = int(time.time()) if created is None else created
        with self.lock:
            session = self.state.objects[session_id]
            email = session.get("customer_email") or email
            customer = self.create_customer({"email": email, "name": name})
            events = [self.event("customer.created", customer, created=now)]
            session.update(
                status="complete",
                payment_status="unpaid",
                customer=customer["id"],
                customer_details={
                    "email": email,
                    "name": name,
                    "address": None,
                    "phone": None,
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
            )
            if session["mode"] == "payment":
                session["payment_intent"] = new_id("pi")
                events.append(self.event("checkout.session.completed", session, created=now))
                events.append(
                    self.event(
                        "payment_intent.processing",
                        {
                            "id": session["payment_intent"],
                            "object": "payment_intent",
                            "status": "processing",
                            "amount": session["amount_total"],
                            "currency": session["currency"],
                            "customer": customer["id"],
                            "metadata": {},
                        },
                        created=now,
                    )
                )
                return events
            price, quantity = session["_line_items"][0]["price"], session["_line_items"][0]["quantity"]
            subscription = self._subscription(
                customer["id"], session, price, quantity, now, status="incomplete"
            )
            session["subscription"] = subscription["id"]
            invoice, _charge = self._invoice(
                subscription, now, billing_reason="subscription_create", email=email, paid=False
            )
            invoice["payments"]["data"][0]["status"] = "processing"
            session["invoice"] = invoice["id"]
            events += [
                self.event("customer.subscription.created", subscription, created=now),
                self.event("invoice.created", invoice | {"status": "draft"}, created=now),
                self.event("checkout.session.completed", session, created=now),
            ]
            return events

    def settle_async_payment(
        self, session_id: str, *, succeeded: bool, created: int | None = None
    ) -> list[dict[str, Any]]:
        """The bank says whether the payment behind a pending Checkout arrived."""
        now = int(time.time()) if created is None else created
        with self.lock:
            session = self.state.objects[session_id]
            outcome = (
                "checkout.session.async_payment_succeeded"
                if succeeded
                else "checkout.session.async_payment_failed"
            )
            if session["mode"] == "payment":
                intent_id = session["payment_intent"]
                charge = self._charge(
                    session["customer"], session["amount_total"], session["currency"], intent_id, now
                )
                if succeeded:
                    session["payment_status"] = "paid"
                    return [
                        self.event("charge.succeeded", charge, created=now),
                        self.event(
                            "payment_intent.succeeded",
                            {
                                "id": intent_id,
                                "object": "payment_intent",
                                "status": "succeeded",
                                "amount": session["amount_total"],
                                "amount_received": session["amount_total"],
                                "currency": session["currency"],
                                "customer": session["customer"],
                                "latest_charge": charge["id"],
                                "metadata": {},
                            },
                            created=now,
                        ),
                        self.event(outcome, session, created=now),
                    ]
                charge.update(paid=False, status="failed", amount_captured=0)
                return [
                    self.event("charge.failed", charge, created=now),
                    self.event(
                        "payment_intent.payment_failed",
                        {
                            "id": intent_id,
                            "object": "payment_intent",
                            "status": "requires_payment_method",
                            "amount": session["amount_total"],
                            "currency": session["currency"],
                            "customer": session["customer"],
                            "metadata": {},
                        },
                        created=now,
                    ),
                    self.event(outcome, session, created=now),
                ]
        events = self.pay_invoice(session["invoice"], created=now, succeeded=succeeded)
        with self.lock:
            if succeeded:
                session["payment_status"] = "paid"
            events.append(self.event(outcome, session, created=now))
        return events

    def pay_invoice(
        self, invoice_id: str, *, created: int | None = None, succeeded: bool = True
    ) -> list[dict]:
        """An attempt at an open invoice (Stripe's retry, or the donor's) with its payment intent."""
        now = int(time.time()) if created is None else created
        with self.lock:
            invoice = self.state.objects[invoice_id]
            subscription = self.state.objects[invoice["parent"]["subscription_details"]["subscription"]]
            payment = invoice["payments"]["data"][0]
            intent_id = payment["payment"]["payment_intent"]
            charge = self._charge(
                invoice["customer"], invoice["amount_due"], invoice["currency"], intent_id, now
            )
            invoice["attempt_count"] += 1
            previous = {"status": subscription["status"]}
            if not succeeded:
                charge.update(paid=False, status="failed", amount_captured=0)
                payment["status"] = "open"
                retries_left = invoice["attempt_count"] <= len(RETRY_DAYS)
                invoice["next_payment_attempt"] = (
                    now + RETRY_DAYS[invoice["attempt_count"] - 1] * 86400 if retries_left else None
                )
                events = [
                    self.event("charge.failed", charge, created=now),
                    self.event("invoice.payment_failed", invoice, created=now),
                ]
                if subscription["status"] == "active":
                    subscription["status"] = "past_due"
                    events.append(
                        self.event(
                            "customer.subscription.updated",
                            subscription,
                            created=now,
                            previous_attributes=previous,
                        )
                    )
                return events
            payment["status"] = "paid"
            invoice.update(
                next_payment_attempt=None,
                status="paid",
                amount_paid=invoice["amount_due"],
                amount_remaining=0,
                status_transitions={"paid_at": now},
            )
            events = [
                self.event("charge.succeeded", charge, created=now),
                self.event("invoice.paid", invoice, created=now),
                self.event("invoice.payment_succeeded", invoice, created=now),
            ]
            if subscription["status"] != "active":
                subscription["status"] = "active"
                events.append(
                    self.event(
                        "customer.subscription.updated",
                        subscription,
                        created=now,
                        previous_attributes=previous,
                    )
                )
            return events

    def _subscription(
        self,
        customer_id: str,
        session: dict[str, Any],
        price: dict[str, Any],
        quantity: int,
        now: int,
        *,
        status: str = "active",
    ) -> dict[str, Any]:
        return self._store(
            {
                "id": new_id("sub"),
                "object": "subscription",
                "customer": customer_id,
                "status": status,
                "created": now,
                "start_date": now,
                "canceled_at": None,
                "ended_at": None,
                "pause_collection": None,
                "cancel_at_period_end": False,
                "currency": session["currency"],
                "metadata": dict(session.get("subscription_data", {}).get("metadata", {})),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": new_id("si"),
                            "object": "subscription_item",
                            "price": price,
                            "quantity": quantity,
                            "current_period_start": now,
                            "current_period_end": now + _period(price),
                        }
                    ],
                    "has_more": False,
                    "total_count": 1,
                    "url": "/v1/subscription_items",
                },
                "latest_invoice": None,
                "livemode": False,
            }
        )

    def _charge(self, customer_id: str | None, amount: int, currency: str, intent_id: str, now: int) -> dict:
        return self._store(
            {
                "id": new_id("ch"),
                "object": "charge",
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": 0,
                "currency": currency,
                "customer": customer_id,
                "payment_intent": intent_id,
                "paid": True,
                "refunded": False,
                "status": "succeeded",
                "created": now,
                "livemode": False,
                "payment_method_details": {"type": "card", "card": dict(self.card)},
            }
        )

    def _invoice(
        self,
        subscription: dict[str, Any],
        now: int,
        *,
        billing_reason: str,
        email: str | None = None,
        paid: bool = True,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        item = subscription["items"]["data"][0]
        amount = item["price"]["unit_amount"] * item["quantity"]
        period = _period(item["price"])
        customer = self.state.objects.get(subscription["customer"], {})
        intent_id = new_id("pi")
        charge = self._charge(subscription["customer"], amount, subscription["currency"], intent_id, now)
        if not paid:
            charge.update(paid=False, status="failed", amount_captured=0)
        invoice = self._store(
            {
                "id": new_id("in"),
                "object": "invoice",
                "customer": subscription["customer"],
                "customer_email": email or customer.get("email"),
                "customer_name": customer.get("name"),
                "amount_due": amount,
                "amount_paid": amount if paid else 0,
                "amount_remaining": 0 if paid else amount,
                "currency": subscription["currency"],
                "billing_reason": billing_reason,
                "status": "paid" if paid else "open",
                "created": now,
                "livemode": False,
                "attempt_count": 1,
                "period_start": now,
                "period_end": now + period,
                "next_payment_attempt": None if paid else now + RETRY_DAYS[0] * 86400,
                "parent": {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "subscription": subscription["id"],
                        "metadata": subscription["metadata"],
                    },
                },
                "lines": {
                    "object": "list",
                    "has_more": False,
                    "total_count": 1,
                    "data": [
                        {
                            "id": new_id("il"),
                            "object": "line_item",
                            "amount": amount,
                            "currency": subscription["currency"],
                            "quantity": item["quantity"],
                            "pricing": {
                                "type": "price_details",
                                "unit_amount_decimal": str(item["price"]["unit_amount"]),
                                "price_details": {
                                    "price": item["price"]["id"],
                                    "product": item["price"]["product"],
                                },
                            },
                            "period": {"start": now, "end": now + period},
                        }
                    ],
                },
                "payments": {
                    "object": "list",
                    "has_more": False,
                    "data": [
                        {
                            "id": new_id("inpay"),
                            "object": "invoice_payment",
                            "is_default": True,
                            "status": "paid" if paid else "open",
                            "payment": {"type": "payment_intent", "payment_intent": intent_id},
                        }
                    ],
                },
                "status_transitions": {"paid_at": now if paid else None},
            }
        )
        subscription["latest_invoice"] = invoice["id"]
        return invoice, charge

    def renew(self, subscription_id: str, *, created: int | None = None, paid: bool = True) -> list[dict]:
        """A monthly renewal: invoice.paid, or invoice.payment_failed plus the move to past_due."""
        now = int(time.time()) if created is None else created
        with self.lock:
            subscription = self.state.objects[subscription_id]
            invoice, charge = self._invoice(subscription, now, billing_reason="subscription_cycle", paid=paid)
            if paid:
                previous = {"status": subscription["status"]} if subscription["status"] != "active" else None
                subscription["status"] = "active"
                events = [
                    self.event("charge.succeeded", charge, created=now),
                    self.event("invoice.paid", invoice, created=now),
                ]
                if previous:
                    events.append(
                        self.event(
                            "customer.subscription.updated",
                            subscription,
                            created=now,
                            previous_attributes=previous,
                        )
                    )
                return events
            subscription["status"] = "past_due"
            return [
                self.event("charge.failed", charge, created=now),
                self.event("invoice.payment_failed", invoice, created=now),
                self.event(
                    "customer.subscription.updated",
                    subscription,
                    created=now,
                    previous_attributes={"status": "active"},
                ),
            ]

    def cancel(self, subscription_id: str, *, created: int | None = None) -> list[dict]:
        now = int(time.time()) if created is None else created
        with self.lock:
            subscription = self.state.objects[subscription_id]
            previous = {"status": subscription["status"]}
            subscription.update(status="canceled", canceled_at=now, ended_at=now)
            return [
                self.event(
                    "customer.subscription.deleted", subscription, created=now, previous_attributes=previous
                )
            ]

    def pause(self, subscription_id: str, *, created: int | None = None) -> list[dict]:
        now = int(time.time()) if created is None else created
        with self.lock:
            subscription = self.state.objects[subscription_id]
            subscription["status"] = "paused"
            return [
                self.event(
                    "customer.subscription.paused",
                    subscription,
                    created=now,
                    previous_attributes={"status": "active"},
                ),
                self.event(
                    "customer.subscription.updated",
                    subscription,
                    created=now,
                    previous_attributes={"status": "active"},
                ),
            ]

    def resume(self, subscription_id: str, *, created: int | None = None) -> list[dict]:
        now = int(time.time()) if created is None else created
        with self.lock:
            subscription = self.state.objects[subscription_id]
            subscription["status"] = "active"
            return [
                self.event(
                    "customer.subscription.resumed",
                    subscription,
                    created=now,
                    previous_attributes={"status": "paused"},
                ),
                self.event(
                    "customer.subscription.updated",
                    subscription,
                    created=now,
                    previous_attributes={"status": "paused"},
                ),
            ]

    def update_subscription_amount(
        self, subscription_id: str, amount: int, *, created: int | None = None, interval: str | None = None
    ) -> list[dict]:
        """The donor changes the amount (or, with ``interval``, monthly <-> yearly) in the portal."""
        now = int(time.time()) if created is None else created
        with self.lock:
            subscription = self.state.objects[subscription_id]
            item = subscription["items"]["data"][0]
            old = item["price"]
            item["price"] = self.create_price(
                {
                    "currency": old["currency"],
                    "unit_amount": str(amount),
                    "recurring": {
                        "interval": interval or (old.get("recurring") or {}).get("interval", "month")
                    },
                },
                product=old["product"],
            )
            return [
                self.event(
                    "customer.subscription.updated",
                    subscription,
                    created=now,
                    previous_attributes={"items": {"data": [{"price": _public(old)}]}},
                )
            ]

    def update_card(self, customer_id: str, *, created: int | None = None, **card: Any) -> list[dict]:
        """The donor saves a new card in the portal: Stripe attaches a payment method to the customer."""
        now = int(time.time()) if created is None else created
        with self.lock:
            self.card = dict(DEFAULT_CARD) | card
            method = self._store(
                {
                    "id": new_id("pm"),
                    "object": "payment_method",
                    "type": "card",
                    "customer": customer_id,
                    "card": dict(self.card),
                    "created": now,
                    "livemode": False,
                }
            )
            return [self.event("payment_method.attached", method, created=now)]

    def refund(self, charge_id: str, *, amount: int | None = None, created: int | None = None) -> list[dict]:
        """A refund of ``amount`` (all that is left by default). Like Stripe, the charge then carries the
        cumulative ``amount_refunded`` and ``refunded`` only once all of it is back with the donor."""
        now = int(time.time()) if created is None else created
        with self.lock:
            charge = self.state.objects[charge_id]
            previous = {"refunded": charge["refunded"], "amount_refunded": charge["amount_refunded"]}
            left = charge["amount"] - charge["amount_refunded"]
            amount = left if amount is None else amount
            if not 0 < amount <= left:
                raise StripeError(
                    400,
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                    param="amount",
                )
            refund = {
                "id": new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": charge_id,
                "currency": charge["currency"],
                "payment_intent": charge["payment_intent"],
                "status": "succeeded",
                "created": now,
            }
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge.setdefault("_refunds", []).append(refund)
            return [self.event("charge.refunded", charge, created=now, previous_attributes=previous)]


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    """An object as the API shows it: without the fake's private bookkeeping keys."""
    return json.loads(json.dumps({k: v for k, v in obj.items() if not k.startswith("_")}))


def _make_handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read assertions, not logs
            pass

        def _send(
            self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", new_id("req"))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _api(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path
            if not urlsplit(path).path.startswith("/v1/"):
                self._page(urlsplit(path).path)
                return
            status, payload, extra = fake.handle(method, path, body, headers)
            try:
                self._send(status, json.dumps(payload).encode(), "application/json", extra)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

        def _page(self, path: str) -> None:
            # The hosted Checkout / portal pages: enough for a browser test to land on something real.
            object_id = path.rstrip("/").rsplit("/", 1)[-1]
            obj = fake.state.objects.get(object_id)
            if obj is None:
                self._send(404, b"<h1>Not found</h1>", "text/html; charset=utf-8")
                return
            title = "Fake Stripe Checkout" if obj["object"] == "checkout.session" else "Fake Stripe portal"
            amount = obj.get("amount_total")
            html = (
                f"<!doctype html><html lang='en'><title>{title}</title><h1>{title}</h1>"
                f"<p id='session'>{object_id}</p><p id='mode'>{obj.get('mode', '')}</p>"
                f"<p id='amount'>{amount if amount is not None else ''} {obj.get('currency', '')}</p>"
            )
            self._send(200, html.encode(), "text/html; charset=utf-8")

        def do_GET(self) -> None:
            self._api("GET")

        def do_POST(self) -> None:
            self._api("POST")

        def do_DELETE(self) -> None:
            self._api("DELETE")

    return Handler
