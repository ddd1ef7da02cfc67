// An emulator reached by its URLs: its certificate, new tenants with a service principal
// that signs in to them, and @azure/identity's stock ClientSecretCredential for them.
// The container module returns one; `EntitlementEmulator.connect` reaches any other.

import { randomBytes, randomUUID } from "node:crypto";

import { ClientSecretCredential } from "@azure/identity";

/** A tenant nobody else uses, with a service principal whose secret signs in to it. */
export interface EmulatorTenant {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  servicePrincipalId: string;
}

export class EntitlementEmulator {
  /**
   * @param httpUrl the plain HTTP base URL (the control surface, Graph)
   * @param httpsUrl the HTTPS base URL (sign-in: every Microsoft library refuses an http authority)
   * @param certificate the PEM text of the certificate HTTPS presents
   * @param adminToken sent to the control surface when the emulator wants one
   */
  constructor(
    readonly httpUrl: string,
    readonly httpsUrl: string,
    readonly certificate: string,
    readonly adminToken?: string,
  ) {}

  /**
   * An emulator already running: waits (at most `timeoutMs`) for `GET /_emulator/health`,
   * then downloads its certificate from `GET /_emulator/certificate`.
   */
  static async connect(httpUrl: string, httpsUrl: string, adminToken?: string, timeoutMs = 60_000): Promise<EntitlementEmulator> {
    await healthy(trim(httpUrl), timeoutMs);
    const answer = await fetch(`${trim(httpUrl)}/_emulator/certificate`, { signal: AbortSignal.timeout(10_000) });
    if (answer.status !== 200) {
      throw new Error(`GET /_emulator/certificate answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
    }
    return new EntitlementEmulator(trim(httpUrl), byName(trim(httpsUrl)), await answer.text(), adminToken);
  }

  /** Graph's base URL for `version` ("v1.0" or "beta"), over HTTPS. */
  graphBaseUrl(version: "v1.0" | "beta" = "v1.0"): string {
    return `${this.httpsUrl}/${version}`;
  }

  /** A new tenant holding one service principal and a secret made here (only its digest is stored). */
  async createTenant(name = "tests"): Promise<EmulatorTenant> {
    const tenantId = randomUUID();
    const clientId = randomUUID();
    const servicePrincipalId = randomUUID();
    const clientSecret = randomBytes(30).toString("base64url");
    const fixture = {
      servicePrincipals: [{
        id: servicePrincipalId, appId: clientId, displayName: name,
        passwordCredentials: [{ keyId: randomUUID(), displayName: name, secretText: clientSecret }],
      }],
    };
    const answer = await this.control("POST", "/_emulator/tenants", { id: tenantId, fixture });
    if (answer.status !== 201) {
      throw new Error(`POST /_emulator/tenants answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
    }
    return { tenantId, clientId, clientSecret, servicePrincipalId };
  }

  /** Deletes a tenant's store (one already gone is fine). */
  async deleteTenant(tenant: EmulatorTenant): Promise<void> {
    const answer = await this.control("DELETE", `/_emulator/tenants/${tenant.tenantId}`);
    if (answer.status !== 204 && answer.status !== 404) {
      throw new Error(`DELETE /_emulator/tenants/${tenant.tenantId} answered ${answer.status}`);
    }
  }

  /**
   * @azure/identity's ClientSecretCredential signed in to `tenant` at the emulator's token
   * endpoint, trusting its certificate (through the pipeline's TLS options, not the process's
   * NODE_EXTRA_CA_CERTS, which Node reads only at start).
   */
  credential(tenant: EmulatorTenant): ClientSecretCredential {
    return new ClientSecretCredential(tenant.tenantId, tenant.clientId, tenant.clientSecret, {
      authorityHost: this.httpsUrl,
      // MSAL would otherwise ask login.microsoftonline.com whether the authority is real.
      disableInstanceDiscovery: true,
      tlsOptions: { ca: this.certificate },
    });
  }

  /** A call to the control surface (`/_emulator/…`), JSON in and out. */
  control(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.adminToken) headers.Authorization = `Bearer ${this.adminToken}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(`${this.httpUrl}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  }
}

/** Polls the health endpoint until 200, within `timeoutMs`. */
async function healthy(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`${base}/_emulator/health`, { signal: AbortSignal.timeout(5_000) });
      if (answer.status === 200) return;
      last = `health answered ${answer.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${base}: not healthy within ${timeoutMs / 1000} s (${last})`);
}

function trim(url: string): string {
  return url.replace(/\/+$/, "");
}

/** A loopback address as `localhost`: the generated certificate names it, and sign-in libraries check the authority's name. */
export function byName(url: string): string {
  const parsed = new URL(url);
  if (["127.0.0.1", "[::1]", "0.0.0.0", "localhost"].includes(parsed.hostname)) parsed.hostname = "localhost";
  return trim(parsed.toString());
}
