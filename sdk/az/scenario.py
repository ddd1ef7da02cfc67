"""The Azure CLI against the emulator, as a new user points it there: the emulator
registered as a custom cloud by its resource-manager URL alone (`az cloud register`
reads the rest from its `/metadata/endpoints`), instance discovery off, its certificate
trusted beside certifi's, and `az login --service-principal` without
`--skip-subscription-discovery` (it lists `GET /subscriptions`, and with
`--allow-no-subscriptions` signs in to the tenant when there are none).

Then the directory as `az ad` uses it: a user created and shown by its principal name, a
group created, a member added, checked (`POST directoryObjects/{id}/checkMemberGroups`) and
listed; an application and its service principal (`az ad sp create --id <appId>`, which
finds the application by `appId`), shown by its appId (`servicePrincipalNames/any(…)`);
a secret added to the application, and `az login` again as that application. Then the
entitlement workflow through `az rest`, v1.0: catalog → package → the group onboarded →
its Member role in the package → a direct-assignment policy → an adminAdd for the user →
delivered → `az ad group member check` true → adminRemove → false.

Every host but the emulator's is blocked: HTTPS_PROXY and HTTP_PROXY name a local proxy
that refuses every request and records its target, NO_PROXY lets the loopback through; the
scenario fails if the CLI asked anything of another host (its own update check aside).

    python scenario.py AZ HTTPS_URL CERTIFICATE TENANT_ID CLIENT_ID CLIENT_SECRET
"""

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import certifi

AZ, BASE, CERTIFICATE, TENANT, CLIENT, SECRET = sys.argv[1:7]
EM = f"{BASE}/v1.0/identityGovernance/entitlementManagement"
REFUSED: list = []


class Refuser(http.server.BaseHTTPRequestHandler):
    """A proxy that lets nothing through and remembers what was asked."""

    def refuse(self) -> None:
        REFUSED.append(f"{self.command} {self.path}")
        self.send_error(403, "the az scenario allows only the emulator")

    do_CONNECT = do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = refuse

    def log_message(self, *args) -> None:
        pass


def start_refuser() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuser)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def environment(config_dir: str, bundle: str, proxy: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env.update(
        {
            "AZURE_CONFIG_DIR": config_dir,
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_SURVEY_MESSAGE": "false",
            "AZURE_CORE_NO_COLOR": "true",
            "REQUESTS_CA_BUNDLE": bundle,
            "HTTPS_PROXY": proxy,
            "HTTP_PROXY": proxy,
            "NO_PROXY": "localhost,127.0.0.1",
        }
    )
    return env


ENV: dict = {}


def az(*args: str, expect_json: bool = True):
    shown = " ".join(a if len(a) < 80 else a[:77] + "..." for a in args)
    print(f"$ az {shown}", flush=True)
    result = subprocess.run([AZ, *args, "--only-show-errors"], env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"az {shown}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    if not expect_json or not result.stdout.strip():
        return None
    return json.loads(result.stdout)


def rest(method: str, url: str, body: dict | None = None):
    args = ["rest", "--method", method, "--url", url]
    if body is not None:
        args += ["--body", json.dumps(body), "--headers", "Content-Type=application/json"]
    return az(*args)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"az scenario: {what}")
    print(f"  ok: {what}", flush=True)


def poll(read, done, what: str):
    """Reads until `done` says so: the default pace delivers at the next read."""
    for _ in range(20):
        value = read()
        if done(value):
            return value
        time.sleep(0.25)
    raise SystemExit(f"az scenario: never {what}")


def sign_in(client: str, secret: str) -> None:
    """A service principal names its tenant (az 2.91 fails on its own store without
    one). The emulator lists no subscriptions unless configured, as for a directory-only
    tenant: `--allow-no-subscriptions`."""
    account = az("login", "--service-principal", "-u", client, "-p", secret, "--tenant", TENANT,
                 "--allow-no-subscriptions")
    check([a["tenantId"] for a in account] == [TENANT], f"az login as {client}: {account}")


def main() -> None:
    global ENV
    with tempfile.TemporaryDirectory(prefix="az-scenario-") as home:
        bundle = Path(home) / "ca.pem"
        bundle.write_text(Path(certifi.where()).read_text() + Path(CERTIFICATE).read_text())
        ENV = environment(str(Path(home) / "azure"), str(bundle), start_refuser())

        az("cloud", "register", "-n", "Emulator", "--endpoint-resource-manager", f"{BASE}/", expect_json=False)
        az("cloud", "set", "-n", "Emulator", expect_json=False)
        az("config", "set", "core.instance_discovery=false", expect_json=False)
        sign_in(CLIENT, SECRET)

        # The directory, as az ad asks it.
        suffix = uuid.uuid4().hex[:8]
        upn = f"azuser{suffix}@contoso.onmicrosoft.com"
        user = az("ad", "user", "create", "--display-name", f"az user {suffix}",
                  "--user-principal-name", upn, "--password", f"Pw-{uuid.uuid4()}")
        shown = az("ad", "user", "show", "--id", upn)
        check(shown["id"] == user["id"], f"az ad user show --id {upn}")
        group = az("ad", "group", "create", "--display-name", f"az group {suffix}",
                   "--mail-nickname", f"azgroup{suffix}")
        az("ad", "group", "member", "add", "--group", group["id"], "--member-id", user["id"], expect_json=False)
        member = az("ad", "group", "member", "check", "--group", group["id"], "--member-id", user["id"])
        check(member == {"value": True}, f"az ad group member check after add: {member}")
        members = az("ad", "group", "member", "list", "--group", group["id"])
        check([m["id"] for m in members] == [user["id"]], "az ad group member list")
        az("ad", "group", "member", "remove", "--group", group["id"], "--member-id", user["id"], expect_json=False)

        app = az("ad", "app", "create", "--display-name", f"az app {suffix}")
        principal = az("ad", "sp", "create", "--id", app["appId"])
        check(principal["appId"] == app["appId"], "az ad sp create --id <appId>")
        shown = az("ad", "sp", "show", "--id", app["appId"])
        check(shown["id"] == principal["id"], "az ad sp show --id <appId>")
        credential = az("ad", "app", "credential", "reset", "--id", app["appId"], "--append")
        check(credential["appId"] == app["appId"], "az ad app credential reset")

        # The rest as that application, with the secret its application was given.
        sign_in(app["appId"], credential["password"])
        check(az("account", "show")["user"]["name"] == app["appId"], "signed in as the new application")

        catalog = rest("post", f"{EM}/catalogs", {"displayName": f"az catalog {suffix}",
                                                  "description": "made with az rest", "isExternallyVisible": False})
        package = rest("post", f"{EM}/accessPackages", {"displayName": f"az package {suffix}",
                                                         "description": "a group's members", "catalog": {"id": catalog["id"]}})
        onboarded = rest("post", f"{EM}/resourceRequests", {
            "requestType": "adminAdd",
            "resource": {"originId": group["id"], "originSystem": "AadGroup"},
            "catalog": {"id": catalog["id"]},
        })
        check(onboarded["state"] == "delivered", f"the group onboarded: {onboarded}")
        resources = rest("get", f"{EM}/catalogs/{catalog['id']}/resources?$filter=originId eq '{group['id']}'&$expand=scopes")
        resource = resources["value"][0]
        roles = rest("get", f"{EM}/catalogs/{catalog['id']}/resourceRoles?$filter=originSystem eq 'AadGroup' and resource/id eq '{resource['id']}'&$expand=resource")
        role = next(r for r in roles["value"] if r["displayName"] == "Member")
        rest("post", f"{EM}/accessPackages/{package['id']}/resourceRoleScopes", {
            "role": {"id": role["id"], "displayName": "Member", "originSystem": "AadGroup", "originId": role["originId"],
                     "resource": {"id": resource["id"], "originId": group["id"], "originSystem": "AadGroup"}},
            "scope": {"id": resource["scopes"][0]["id"], "originId": group["id"], "originSystem": "AadGroup"},
        })
        policy = rest("post", f"{EM}/assignmentPolicies", {
            "displayName": f"az direct assignments {suffix}",
            "description": "administrators assign",
            "allowedTargetScope": "notSpecified",
            "specificAllowedTargets": [],
            "expiration": {"endDateTime": None, "duration": None, "type": "noExpiration"},
            "requestorSettings": {"enableTargetsToSelfAddAccess": False, "enableTargetsToSelfUpdateAccess": False,
                                  "enableTargetsToSelfRemoveAccess": False, "allowCustomAssignmentSchedule": True,
                                  "enableOnBehalfRequestorsToAddAccess": False, "enableOnBehalfRequestorsToUpdateAccess": False,
                                  "enableOnBehalfRequestorsToRemoveAccess": False, "onBehalfRequestors": []},
            "requestApprovalSettings": {"isApprovalRequiredForAdd": False, "isApprovalRequiredForUpdate": False, "stages": []},
            "accessPackage": {"id": package["id"]},
        })
        request = rest("post", f"{EM}/assignmentRequests", {
            "requestType": "adminAdd",
            "assignment": {"targetId": user["id"], "assignmentPolicyId": policy["id"], "accessPackageId": package["id"]},
        })
        check(request["state"] == "submitted", "the adminAdd answers submitted")
        poll(lambda: rest("get", f"{EM}/assignmentRequests/{request['id']}"),
             lambda r: r["state"] == "delivered", "delivered")
        member = az("ad", "group", "member", "check", "--group", group["id"], "--member-id", user["id"])
        check(member == {"value": True}, f"az ad group member check once delivered: {member}")

        assignments = rest("get", f"{EM}/assignments?$filter=target/objectId eq '{user['id']}' and state eq 'delivered'")
        assignment = assignments["value"][0]
        removal = rest("post", f"{EM}/assignmentRequests", {"requestType": "adminRemove", "assignment": {"id": assignment["id"]}})
        poll(lambda: rest("get", f"{EM}/assignmentRequests/{removal['id']}"),
             lambda r: r["state"] == "delivered", "removed")
        member = az("ad", "group", "member", "check", "--group", group["id"], "--member-id", user["id"])
        check(member == {"value": False}, f"az ad group member check once removed: {member}")

    # A fresh config directory makes az look up its own latest version on its CDN
    # (azure/cli/core/util.py, handle_version_update): refused like the rest, and no part
    # of what is tested here.
    elsewhere = [r for r in REFUSED if r != "CONNECT azcliprod.blob.core.windows.net:443"]
    check(not elsewhere, f"no host but the emulator was asked: {REFUSED}")
    print("az scenario: passed")


if __name__ == "__main__":
    main()
