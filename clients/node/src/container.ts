// The Testcontainers module: the image with HTTPS on, waited for on its health endpoint,
// started into an EntitlementEmulator at the mapped ports.

import {
  AbstractStartedContainer,
  GenericContainer,
  StartedTestContainer,
  Wait,
  getContainerRuntimeClient,
} from "testcontainers";

import { EntitlementEmulator, byName } from "./emulator.js";

/** The image's fixed ports (its Dockerfile: EMULATOR__SERVER__PORT, EMULATOR__TLS__PORT). */
export const HTTP_PORT = 8080;
export const HTTPS_PORT = 8443;

export class EntitlementEmulatorContainer extends GenericContainer {
  private adminToken?: string;

  constructor(image = "entitlement-emulator") {
    super(image);
    this.withExposedPorts(HTTP_PORT, HTTPS_PORT)
      .withEnvironment({ EMULATOR__TLS__ENABLED: "true" })
      // 200 once every listener is bound and the database migrated.
      .withWaitStrategy(Wait.forHttp("/_emulator/health", HTTP_PORT).forStatusCode(200))
      .withStartupTimeout(60_000);
  }

  /** An admin token for the control surface (EMULATOR__ADMIN__TOKEN), sent by the helpers. */
  withAdminToken(token: string): this {
    this.adminToken = token;
    return this.withEnvironment({ EMULATOR__ADMIN__TOKEN: token });
  }

  override async start(): Promise<StartedEntitlementEmulatorContainer> {
    // Where tests reach the engine through a gateway address (tests running in a container,
    // a remote engine), the generated certificate must name that address too.
    const { host } = (await getContainerRuntimeClient()).info.containerRuntime;
    if (!["localhost", "127.0.0.1", "::1"].includes(host)) {
      this.withEnvironment({ EMULATOR_CONFIG: `[tls]\nnames = [${JSON.stringify(host)}]\n` });
    }
    const started = await super.start();
    try {
      const host = started.getHost();
      const emulator = await EntitlementEmulator.connect(
        `http://${host}:${started.getMappedPort(HTTP_PORT)}`,
        byName(`https://${host}:${started.getMappedPort(HTTPS_PORT)}`),
        this.adminToken,
      );
      return new StartedEntitlementEmulatorContainer(started, emulator);
    } catch (error) {
      await started.stop();
      throw error;
    }
  }
}

export class StartedEntitlementEmulatorContainer extends AbstractStartedContainer {
  constructor(started: StartedTestContainer, readonly emulator: EntitlementEmulator) {
    super(started);
  }

  /** The plain HTTP base URL at the mapped port. */
  getHttpUrl(): string {
    return this.emulator.httpUrl;
  }

  /** The HTTPS base URL at the mapped port, by name (`https://localhost:PORT` for a local engine). */
  getHttpsUrl(): string {
    return this.emulator.httpsUrl;
  }

  /** The PEM text of the certificate HTTPS presents. */
  getCertificate(): string {
    return this.emulator.certificate;
  }
}
