// The helpers against the release binary (ENTITLEMENT_EMULATOR_BINARY): a tenant per test,
// the stock credential signed in to it, Graph over HTTPS trusting the downloaded certificate.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { EntitlementEmulator } from "../src/index.js";
import { CATALOGS, GRAPH_SCOPE, claims, httpsCall, startBinary } from "./helpers.js";

const binary = process.env.ENTITLEMENT_EMULATOR_BINARY;
let running: Awaited<ReturnType<typeof startBinary>>;
let emulator: EntitlementEmulator;

before(async () => {
  assert.ok(binary, "ENTITLEMENT_EMULATOR_BINARY names the emulator binary");
  running = await startBinary(binary);
  emulator = await EntitlementEmulator.connect(running.http, running.https);
});
after(async () => running?.stop());

test("the certificate is downloaded and the HTTPS address named localhost", () => {
  assert.match(emulator.certificate, /-----BEGIN CERTIFICATE-----/);
  assert.match(emulator.httpsUrl, /^https:\/\/localhost:\d+$/);
});

test("a new tenant's service principal signs in to it and sees only its own", async () => {
  const mine = await emulator.createTenant("node mine");
  const theirs = await emulator.createTenant("node theirs");
  const token = (await emulator.credential(mine).getToken(GRAPH_SCOPE)).token;
  assert.equal(claims(token).tid, mine.tenantId);
  assert.equal(claims(token).appid, mine.clientId);
  assert.equal(claims(token).oid, mine.servicePrincipalId);

  const made = await httpsCall(`${emulator.graphBaseUrl()}${CATALOGS}`, emulator.certificate, "POST", token, { displayName: "only mine" });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.headers.location, `${emulator.graphBaseUrl()}${CATALOGS}/${made.body.id}`);

  const other = (await emulator.credential(theirs).getToken(GRAPH_SCOPE)).token;
  const listed = await httpsCall(`${emulator.graphBaseUrl()}${CATALOGS}`, emulator.certificate, "GET", other);
  assert.deepEqual(listed.body.value.map((catalog: { displayName: string }) => catalog.displayName), ["General"]);

  await emulator.deleteTenant(mine);
  assert.equal((await emulator.control("GET", `/_emulator/tenants/${mine.tenantId}`)).status, 404);
  await emulator.deleteTenant(mine);
});

test("a wrong secret is refused as Entra refuses it", async () => {
  const tenant = await emulator.createTenant();
  const credential = emulator.credential({ ...tenant, clientSecret: "not the secret" });
  await assert.rejects(credential.getToken(GRAPH_SCOPE), /AADSTS7000215/);
});
