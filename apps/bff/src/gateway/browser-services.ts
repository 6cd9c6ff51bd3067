import * as api from "@berth/proto";
import { methodPolicy, type RoleName } from "@berth/proto";
import type { DescMethod, DescService } from "@bufbuild/protobuf";

/** A server method the dashboard may call through the gateway, and the least role that may call it. */
export interface BrowserMethod {
  method: DescMethod;
  role: RoleName;
}

function isService(value: unknown): value is DescService {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "service";
}

/** Every berth.v1 service in the generated API (the gateway's candidates; most methods stay closed). */
export function berthServices(): DescService[] {
  return (Object.values(api) as unknown[])
    .filter(isService)
    .filter((s) => s.typeName.startsWith("berth.v1."))
    .sort((a, b) => a.typeName.localeCompare(b.typeName));
}

/**
 * The methods the gateway forwards: exactly those flagged `browser: true` in the policy table, with
 * their role. An allow-list: a method missing from it (or a new RPC) answers 404 to the browser.
 * Only unary and server-streaming methods qualify: browsers have no full-duplex fetch.
 */
export function browserMethods(): BrowserMethod[] {
  const allowed: BrowserMethod[] = [];
  for (const service of berthServices()) {
    for (const method of service.methods) {
      const policy = methodPolicy(`${service.typeName}/${method.name}`);
      if (!policy?.browser) continue;
      if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") {
        throw new Error(
          `${service.typeName}/${method.name} is flagged browser but is a ${method.methodKind} RPC`,
        );
      }
      allowed.push({ method, role: policy.role ?? "viewer" });
    }
  }
  return allowed;
}
