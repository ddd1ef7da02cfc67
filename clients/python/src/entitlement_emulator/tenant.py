"""A tenant of its own for each test: its store, a service principal with a secret that
signs in to it, Graph clients signed in as that principal, and its control surface."""

from __future__ import annotations

import secrets
import ssl
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from .launcher import Emulator

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class TenantError(RuntimeError):
    """The emulator refused to make or control a tenant; the message carries its answer."""


@dataclass
class Tenant:
    """A tenant nobody else uses: ``id`` and a service principal (``client_id``,
    ``client_secret``) that signs in to it, as an app registration's secret does in Entra ID."""

    emulator: Emulator
    id: str
    client_id: str
    client_secret: str
    service_principal_id: str
    _credentials: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def create(cls, emulator: Emulator, name: str = "tests") -> Tenant:
        """A new tenant holding one service principal whose secret is made here (only its
        SHA-256 is stored, as for a secret ``addPassword`` makes)."""
        tenant, principal, app = (str(uuid.uuid4()) for _ in range(3))
        made = cls(emulator, tenant, app, secrets.token_urlsafe(30), principal)
        with emulator.control() as control:
            answer = control.post("/tenants", json={"id": tenant, "fixture": made._fixture(name)})
        if answer.status_code != 201:
            raise TenantError(f"POST /_emulator/tenants answered {answer.status_code}: {answer.text[:300]}")
        return made

    def _fixture(self, name: str = "tests") -> dict[str, Any]:
        """The tenant's service principal, in the fixture format (its secret in the clear:
        the emulator keeps only the digest)."""
        return {
            "servicePrincipals": [{
                "id": self.service_principal_id, "appId": self.client_id, "displayName": name,
                "passwordCredentials": [{"keyId": str(uuid.uuid4()), "displayName": name, "secretText": self.client_secret}],
            }],
        }

    def close(self) -> None:
        """Closes the sessions of the credentials :meth:`graph` made."""
        while self._credentials:
            self._credentials.pop().close()

    def delete(self) -> None:
        """Deletes the tenant's store (404 when it is already gone is fine)."""
        with self.emulator.control() as control:
            answer = control.delete(f"/tenants/{self.id}")
        if answer.status_code not in (204, 404):
            raise TenantError(f"DELETE /_emulator/tenants/{self.id} answered {answer.status_code}: {answer.text[:300]}")

    # Sign-in and Graph

    def credential(self, aio: bool = False) -> Any:
        """azure-identity's stock ``ClientSecretCredential`` (MSAL underneath; ``aio`` for
        the asyncio one), its authority the emulator's HTTPS address."""
        if aio:
            from azure.identity.aio import ClientSecretCredential
        else:
            from azure.identity import ClientSecretCredential  # type: ignore[assignment]
        if not self.emulator.https_url:
            raise TenantError("sign-in needs the emulator's HTTPS address (ENTITLEMENT_EMULATOR_HTTPS_URL)")
        return ClientSecretCredential(
            self.id, self.client_id, self.client_secret,
            authority=self.emulator.https_url,
            # MSAL would otherwise ask login.microsoftonline.com whether the authority is real.
            disable_instance_discovery=True,
            connection_verify=str(self.emulator.certificate),
        )

    def graph(self, version: str = "v1.0") -> Any:
        """A ``GraphServiceClient`` of msgraph-sdk (``v1.0``) or msgraph-beta-sdk (``beta``),
        signed in to this tenant, its base URL the emulator's. Its HTTP client binds to the
        event loop that first uses it. The credential is the synchronous one: it belongs to
        no loop, so the client may be made outside the test's loop and closed after it."""
        from kiota_authentication_azure.azure_identity_authentication_provider import (
            AzureIdentityAuthenticationProvider,
        )
        from msgraph_core import GraphClientFactory

        if version == "beta":
            from msgraph_beta import GraphRequestAdapter, GraphServiceClient
        elif version == "v1.0":
            from msgraph import GraphRequestAdapter, GraphServiceClient  # type: ignore[assignment]
        else:
            raise ValueError(f"version is 'v1.0' or 'beta', not {version!r}")
        credential = self.credential()
        self._credentials.append(credential)
        auth = AzureIdentityAuthenticationProvider(credential, scopes=[GRAPH_SCOPE])
        http = GraphClientFactory.create_with_default_middleware(client=httpx.AsyncClient(verify=self.ssl_context()))
        adapter = GraphRequestAdapter(auth, client=http)
        # Set before the client is made: it keeps a base URL already there.
        adapter.base_url = f"{self.emulator.graph_url}/{version}"
        return GraphServiceClient(request_adapter=adapter)

    def ssl_context(self) -> ssl.SSLContext | bool:
        """Trust for the emulator's certificate (and the system's), for any HTTP client."""
        if self.emulator.certificate is None:
            return True
        context = ssl.create_default_context()
        context.load_verify_locations(cafile=str(self.emulator.certificate))
        return context

    # Test control (this tenant's only)

    def control(self) -> httpx.Client:
        return self.emulator.control(self.id)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        with self.control() as control:
            answer = control.request(method, path, json=body)
        if answer.status_code >= 300:
            raise TenantError(f"{method} /_emulator/tenants/{self.id}{path} answered {answer.status_code}: {answer.text[:300]}")
        return answer.json() if answer.content else None

    def clock(self) -> dict[str, Any]:
        """``{"now": …, "offset_ms": …}``: the tenant's emulator clock."""
        return self._call("GET", "/clock")

    def advance_clock(self, by: str | None = None, ms: int | None = None) -> dict[str, Any]:
        """Moves the tenant's clock forward (``by="P31D"`` or ``ms=1500``); answers after
        what came due (expiries, dwell times) has happened."""
        return self._call("POST", "/clock/advance", {"by": by} if by is not None else {"ms": ms})

    def set_clock(self, now: str) -> dict[str, Any]:
        return self._call("PUT", "/clock", {"now": now})

    def lifecycle(self) -> dict[str, Any]:
        return self._call("GET", "/lifecycle")

    def set_lifecycle(self, pace: str, **settings: Any) -> dict[str, Any]:
        """The pace of requests through their states: ``immediate``, ``dwell`` (with
        ``dwell_ms={...}``) or ``manual``."""
        return self._call("PUT", "/lifecycle", {"pace": pace, **settings})

    def journal(self, last: int | None = None) -> list[dict[str, Any]]:
        """The Graph requests this tenant answered, oldest first."""
        return self._call("GET", "/requests" + (f"?last={last}" if last else ""))["value"]

    def clear_journal(self) -> None:
        self._call("DELETE", "/requests")

    def reset(self) -> None:
        """Back to a new tenant's state, its service principal put back, so the same
        credential still signs in."""
        self._call("POST", "/reset")
        self._call("POST", "/seed?mode=merge", self._fixture())

    def export(self) -> dict[str, Any]:
        return self._call("GET", "/export")

    def seed(self, fixture: dict[str, Any], merge: bool = True) -> dict[str, int]:
        """Loads ``fixture`` (export's format); ``merge`` keeps what is there, the
        service principal included."""
        return self._call("POST", "/seed" + ("?mode=merge" if merge else ""), fixture)
