// The SDK scenario with the stock JavaScript Graph client (@microsoft/microsoft-graph-client),
// its default middleware, over https: the client attaches the token only to https URLs of
// Graph or of `customHosts`. Node trusts the emulator's certificate via NODE_EXTRA_CA_CERTS.
// The token comes from @azure/identity's stock ClientSecretCredential, configured from the
// variables real automation sets, its authority the emulator.
//
//     NODE_EXTRA_CA_CERTS=/path/emulator-cert.pem AZURE_TENANT_ID=… AZURE_CLIENT_ID=… \
//       AZURE_CLIENT_SECRET=… AZURE_AUTHORITY_HOST=https://localhost:8443 \
//       node scenario.mjs https://localhost:8443
//
// For beta and v1.0: create a catalog, create an access package in it, get it, list it with
// $filter on displayName, patch its description, delete it, then get it again and expect a
// GraphError carrying 404, Graph's error code and the request-id.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import graph from "@microsoft/microsoft-graph-client";
import azureTokenCredentials from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const { BatchRequestContent, BatchResponseContent, Client, GraphError } = graph;
const { TokenCredentialAuthenticationProvider } = azureTokenCredentials;
const [base] = process.argv.slice(2);
const EM = "/identityGovernance/entitlementManagement";

// disableInstanceDiscovery: MSAL would otherwise ask login.microsoftonline.com about the
// authority before using it.
function credential() {
  const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST } = process.env;
  return new ClientSecretCredential(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, {
    authorityHost: AZURE_AUTHORITY_HOST,
    disableInstanceDiscovery: true,
  });
}

const authProvider = new TokenCredentialAuthenticationProvider(credential(), {
  scopes: ["https://graph.microsoft.com/.default"],
});

// The stock client: its default middleware, a token for every request to a custom host.
function graphClient(version) {
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: `${base}/`,
    defaultVersion: version,
    customHosts: new Set([new URL(base).hostname]),
  });
}

async function scenario(version) {
  const client = graphClient(version);
  const suffix = randomUUID().slice(0, 8);
  const catalogs = version === "beta" ? "accessPackageCatalogs" : "catalogs";

  const catalog = await client
    .api(`${EM}/${catalogs}`)
    .post({ displayName: `JS catalog ${suffix}`, description: "made by the JS client", isExternallyVisible: true });
  assert.ok(catalog.id, "catalog created");
  assert.equal(catalog.displayName, `JS catalog ${suffix}`);
  assert.equal(catalog.isExternallyVisible, true);
  // Graph's create response: beta "UserManaged"/"Published" (reference §3), v1.0's enum values.
  if (version === "beta") {
    assert.equal(catalog.catalogType, "UserManaged");
    assert.equal(catalog.catalogStatus, "Published");
  } else {
    assert.equal(catalog.catalogType, "userManaged");
    assert.equal(catalog.state, "published");
  }

  const name = `JS package ${suffix}`;
  const binding = version === "beta" ? { catalogId: catalog.id } : { catalog: { id: catalog.id } };
  const created = await client
    .api(`${EM}/accessPackages`)
    .post({ ...binding, displayName: name, description: "first" });
  assert.equal(created.displayName, name);
  assert.equal(created.isHidden, false);
  assert.match(created["@odata.context"], new RegExp(`^${base}/${version.replace(".", "\\.")}/\\$metadata#`));

  const item = client.api(`${EM}/accessPackages/${created.id}`);
  const got = await item.get();
  assert.equal(got.id, created.id);
  assert.equal(got.description, "first");
  // The binding as the client sent it, read back through the navigation.
  const navigation = version === "beta" ? "accessPackageCatalog" : "catalog";
  const expanded = await client.api(`${EM}/accessPackages/${created.id}`).expand(navigation).get();
  assert.equal(expanded[navigation].id, catalog.id, "bound to the catalog");
  if (version === "beta") {
    assert.equal(created.catalogId, catalog.id);
  }

  const listed = await client.api(`${EM}/accessPackages`).filter(`displayName eq '${name}'`).get();
  assert.deepEqual(
    listed.value.map((p) => p.id),
    [created.id],
    "$filter finds exactly the package",
  );

  await client.api(`${EM}/accessPackages/${created.id}`).patch({ description: "patched by JS" });
  const patched = await client.api(`${EM}/accessPackages/${created.id}`).get();
  assert.equal(patched.description, "patched by JS");

  if (version === "beta") {
    await assignmentPolicy(client, created.id);
  }

  await client.api(`${EM}/accessPackages/${created.id}`).delete();
  try {
    await client.api(`${EM}/accessPackages/${created.id}`).get();
    assert.fail("a deleted package must throw GraphError");
  } catch (error) {
    assert.ok(error instanceof GraphError, `GraphError, got ${error}`);
    assert.equal(error.statusCode, 404);
    // Graph's code and message for a missing ELM object (reference §4.2).
    assert.equal(error.code, "ResourceNotFound");
    assert.equal(error.message, "The resource was not found.");
    assert.match(error.requestId ?? "", /^[0-9a-f-]{36}$/, "request-id");
    assert.equal(error.requestId, error.headers?.get("request-id"), "the header's request-id");
    console.log(`js ${version}: ${error.statusCode} ${error.code} request-id ${error.requestId}`);
  }
}

// Terraform's minimal beta policy body, through the JS client: defaults filled, PUT whole.
async function assignmentPolicy(client, packageId) {
  const policies = `${EM}/accessPackageAssignmentPolicies`;
  const body = {
    "@odata.type": "#microsoft.graph.accessPackageAssignmentPolicy",
    accessPackageId: packageId, canExtend: false, description: "JS policy", displayName: "JS policy",
    durationInDays: 0, expirationDateTime: null, questions: [],
  };
  const created = await client.api(policies).post(body);
  assert.equal(created.accessPackageId, packageId);
  assert.deepEqual(created.requestorSettings, { scopeType: "NoSubjects", acceptRequests: true, allowedRequestors: [] });
  assert.equal(created.requestApprovalSettings.approvalMode, "NoApproval");
  const replaced = await client.api(`${policies}/${created.id}`).put({ ...body, displayName: "JS policy (PUT)" });
  assert.equal(replaced.displayName, "JS policy (PUT)");
  const listed = await client.api(`${EM}/accessPackages/${packageId}`).expand("accessPackageAssignmentPolicies").get();
  assert.deepEqual(listed.accessPackageAssignmentPolicies.map((p) => p.id), [created.id]);
  await client.api(`${policies}/${created.id}`).delete();
  console.log("js beta: assignment policy created with defaults, replaced by PUT, deleted");
}

// The SDK's own batch helpers: it sends item urls with the version ("/beta/identity…").
async function batch(version) {
  const client = graphClient(version);
  const name = `JS batch ${randomUUID().slice(0, 8)}`;
  const binding =
    version === "beta"
      ? { catalogId: "aa2f6514-3232-46e7-a08a-2411ad8d7128" }
      : { catalog: { id: "aa2f6514-3232-46e7-a08a-2411ad8d7128" } };
  const content = new BatchRequestContent([
    {
      id: "create",
      request: new Request(`${base}/${version}${EM}/accessPackages`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...binding, displayName: name }),
      }),
    },
    {
      id: "find",
      dependsOn: ["create"],
      request: new Request(
        `${base}/${version}${EM}/accessPackages?$filter=displayName eq '${name}'`,
        { method: "GET" },
      ),
    },
  ]);
  const raw = await client.api("/$batch").post(await content.getContent());
  const answer = new BatchResponseContent(raw);
  const created = answer.getResponseById("create");
  assert.equal(created.status, 201);
  // The SDK builds each item's Response from headers["Content-Type"], spelled as Graph
  // spells it: with any other spelling, .json() meets "[object Object]" and throws.
  const createdBody = await created.json();
  assert.equal(createdBody.displayName, name);
  assert.ok(created.headers.get("Location").endsWith(`/accessPackages/${createdBody.id}`));
  const find = answer.getResponseById("find");
  assert.equal(find.status, 200);
  const found = await find.json();
  assert.equal(found.value.length, 1);
  assert.equal(found.value[0].id, createdBody.id);
  assert.equal(found.value[0].displayName, name);
  console.log(`js ${version}: $batch create 201, dependent $filter found it`);
}

for (const version of ["beta", "v1.0"]) {
  await scenario(version);
  await batch(version);
}
