import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The binary on free ports with HTTPS and a temporary database, resolved at its `ready` line. */
export async function startBinary(binary: string): Promise<{ http: string; https: string; stop: () => Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), "entitlement-emulator-node-"));
  const child: ChildProcess = spawn(
    binary,
    ["--port", "0", "--tls", "--tls-port", "0", "--database", `sqlite://${folder}/emulator.db`],
    { cwd: folder, stdio: ["ignore", "pipe", "ignore"] },
  );
  const lines: string[] = [];
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 30 s: ${lines}`)), 30_000);
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${lines}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        lines.push(line);
        if (line === "ready") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const address = (scheme: string) =>
    lines.find((line) => line.startsWith(`listening on ${scheme}://`))!.slice("listening on ".length);
  return { http: address("http"), https: address("https"), stop };
}

/** A request over HTTPS trusting `ca` alone; status, headers and body. */
export function httpsCall(
  url: string, ca: string, method: string, token: string, body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const sent = body === undefined ? undefined : JSON.stringify(body);
    const call = request(url, {
      method, ca,
      headers: { Authorization: `Bearer ${token}`, ...(sent ? { "Content-Type": "application/json" } : {}) },
    }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined }));
    });
    call.on("error", reject);
    call.end(sent);
  });
}

export function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

export const CATALOGS = "/identityGovernance/entitlementManagement/catalogs";
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
