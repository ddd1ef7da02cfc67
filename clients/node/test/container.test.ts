// The module against the image (tests/container.sh runs it with ENTITLEMENT_EMULATOR_IMAGE
// and DOCKER_HOST set): started, waited for, reached at its mapped ports.

import assert from "node:assert/strict";
import { test } from "node:test";

import { EntitlementEmulatorContainer } from "../src/index.js";
import { CATALOGS, GRAPH_SCOPE, httpsCall } from "./helpers.js";

const image = process.env.ENTITLEMENT_EMULATOR_IMAGE;

test("the container starts, serves HTTPS at its mapped port and signs a tenant in", { skip: !image && "ENTITLEMENT_EMULATOR_IMAGE unset" }, async () => {
  const started = await new EntitlementEmulatorContainer(image).withAdminToken("node admin token").start();
  try {
    // localhost, or the gateway address the engine is reached by (then named by the certificate).
    const host = ["127.0.0.1", "localhost"].includes(started.getHost()) ? "localhost" : started.getHost();
    assert.equal(started.getHttpsUrl(), `https://${host}:${started.getMappedPort(8443)}`);
    const inside = await started.exec(["cat", "/data/emulator-cert.pem"]);
    // The file starts with a comment line naming the certificate's names; the download is the PEM alone.
    const pem = (text: string) => text.split("\n").filter((line) => line && !line.startsWith("#")).join("\n");
    assert.equal(pem(started.getCertificate()), pem(inside.output), "the certificate the container made");

    const emulator = started.emulator;
    const tenant = await emulator.createTenant("node container");
    const token = (await emulator.credential(tenant).getToken(GRAPH_SCOPE)).token;
    const made = await httpsCall(`${emulator.graphBaseUrl("beta")}/identityGovernance/entitlementManagement/accessPackageCatalogs`,
      emulator.certificate, "POST", token, { displayName: "in a container" });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.ok(String(made.headers.location).startsWith(`${started.getHttpsUrl()}/beta/`), String(made.headers.location));
    const v1 = await httpsCall(`${emulator.graphBaseUrl()}${CATALOGS}/${made.body.id}`, emulator.certificate, "GET", token);
    assert.equal(v1.body.displayName, "in a container");
  } finally {
    await started.stop();
  }
});
