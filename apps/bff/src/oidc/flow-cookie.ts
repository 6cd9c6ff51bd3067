import type { SignInChecks } from "./oidc-client.js";

/** What the browser carries between starting a sign-in and the provider's redirect back (signed, httpOnly). */
export interface SignInFlow extends SignInChecks {
  provider: string;
  /** Where to go afterwards: a path on this site (checked again on use). */
  next: string;
  /** Epoch ms after which the attempt is void. */
  expiresAt: number;
}

/** The cookie's value (to be signed by the caller). */
export function encodeFlow(flow: SignInFlow): string {
  return Buffer.from(JSON.stringify(flow)).toString("base64url");
}

/**
 * The flow a cookie value holds, or undefined when it is malformed or expired. The value's signature is
 * checked by the caller first: this only guards against our own older formats and clocks.
 */
export function decodeFlow(value: string, now: number): SignInFlow | undefined {
  try {
    const flow = JSON.parse(Buffer.from(value, "base64url").toString()) as Partial<SignInFlow>;
    const fields = [flow.provider, flow.next, flow.state, flow.nonce, flow.codeVerifier];
    if (fields.some((f) => typeof f !== "string" || f === "")) return undefined;
    if (typeof flow.expiresAt !== "number" || flow.expiresAt <= now) return undefined;
    return flow as SignInFlow;
  } catch {
    return undefined;
  }
}
