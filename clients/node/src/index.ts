export { EntitlementEmulator, byName, type EmulatorTenant } from "./emulator.js";
export {
  EntitlementEmulatorContainer,
  StartedEntitlementEmulatorContainer,
  HTTP_PORT,
  HTTPS_PORT,
} from "./container.js";
