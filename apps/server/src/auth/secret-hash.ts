import { createHash, randomBytes } from "node:crypto";

/** A new random secret: the prefix and 32 random bytes, base64url. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** The sha256 of a secret, hex: what the store keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
