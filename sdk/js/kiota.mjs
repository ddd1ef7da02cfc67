// The kiota TypeScript SDK (@microsoft/msgraph-sdk with its users and directoryObjects
// packages) against the emulator over https, signed in by @azure/identity's stock
// ClientSecretCredential through @microsoft/kiota-authentication-azure (its allowed hosts:
// the emulator's). The SDK's identityGovernance package is not published on npm, so this
// is the directory its typed builders reach: a user created and read back by principal
// name, put in a group nested in another (raw requests: no groups package either), then
// `directoryObjects/{id}/checkMemberGroups`, a user's `getMemberGroups`,
// `transitiveMemberOf` (typed by @odata.type) and `directoryObjects/getByIds`.
//
//     NODE_EXTRA_CA_CERTS=… AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \
//       AZURE_AUTHORITY_HOST=https://localhost:8443 node kiota.mjs https://localhost:8443

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { AzureIdentityAuthenticationProvider } from "@microsoft/kiota-authentication-azure";
import { createGraphServiceClient, GraphRequestAdapter } from "@microsoft/msgraph-sdk";
import "@microsoft/msgraph-sdk-directoryobjects";
import "@microsoft/msgraph-sdk-users";

const [base] = process.argv.slice(2);
const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST } = process.env;
const credential = new ClientSecretCredential(AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, {
  authorityHost: AZURE_AUTHORITY_HOST,
  disableInstanceDiscovery: true,
});
const scopes = ["https://graph.microsoft.com/.default"];
const auth = new AzureIdentityAuthenticationProvider(credential, scopes, undefined, new Set([new URL(base).hostname]));
const adapter = new GraphRequestAdapter(auth);
adapter.baseUrl = `${base}/v1.0`;
const client = createGraphServiceClient(adapter);

// What the SDK has no package for, with the same credential's token.
async function raw(method, path, body) {
  const { token } = await credential.getToken(scopes);
  const response = await fetch(`${base}/v1.0${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const suffix = randomUUID().slice(0, 8);
const upn = `kiota${suffix}@contoso.onmicrosoft.com`;
const user = await client.users.post({
  accountEnabled: true,
  displayName: `kiota ${suffix}`,
  mailNickname: `kiota${suffix}`,
  userPrincipalName: upn,
  passwordProfile: { forceChangePasswordNextSignIn: true, password: `Pw-${randomUUID()}` },
});
assert.ok(user.id, "user created");
const byName = await client.users.byUserId(upn).get();
assert.equal(byName.id, user.id, "users/{userPrincipalName}");

const group = (name) =>
  raw("POST", "/groups", { displayName: name, mailEnabled: false, mailNickname: name, securityEnabled: true });
const outer = await group(`kiotaouter${suffix}`);
const inner = await group(`kiotainner${suffix}`);
const other = await group(`kiotaother${suffix}`);
const reference = (id) => ({ "@odata.id": `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
await raw("POST", `/groups/${outer.id}/members/$ref`, reference(inner.id));
await raw("POST", `/groups/${inner.id}/members/$ref`, reference(user.id));

const checked = await client.directoryObjects
  .byDirectoryObjectId(user.id)
  .checkMemberGroups.post({ groupIds: [outer.id, other.id] });
assert.deepEqual(checked.value, [outer.id], "checkMemberGroups: through the nested group, not the other");

const all = await client.users.byUserId(user.id).getMemberGroups.post({ securityEnabledOnly: true });
assert.deepEqual([...all.value].sort(), [inner.id, outer.id].sort(), "getMemberGroups");

const reached = await client.users.byUserId(user.id).transitiveMemberOf.get();
assert.deepEqual(reached.value.map((o) => o.id).sort(), [inner.id, outer.id].sort(), "transitiveMemberOf");
assert.ok(
  reached.value.every((o) => o.odataType === "#microsoft.graph.group" && o.displayName),
  `typed as groups: ${JSON.stringify(reached.value)}`,
);

const found = await client.directoryObjects.getByIds.post({ ids: [other.id, user.id], types: ["user"] });
assert.deepEqual(found.value.map((o) => o.id), [user.id], "getByIds of users only");
assert.equal(found.value[0].userPrincipalName, upn, "typed as a user");

console.log("kiota TypeScript SDK: users, directoryObjects passed");
