import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact-secrets.js";

describe("redactSecrets", () => {
  it("replaces a secret in clear, URL-encoded and base64", () => {
    const token = "ghp_s3cr3t/+=";
    const text = [
      `fatal: unable to access 'https://x:${token}@example.com/a.git/'`,
      `remote: ${encodeURIComponent(token)}`,
      `Authorization: Basic ${Buffer.from(token).toString("base64")}`,
    ].join("\n");
    const out = redactSecrets(text, [token]);
    expect(out).not.toContain(token);
    expect(out).not.toContain(encodeURIComponent(token));
    expect(out).not.toContain(Buffer.from(token).toString("base64"));
    expect(out).toContain("https://***@example.com/a.git/");
  });

  it("masks userinfo of any URL even when the secret is unknown", () => {
    expect(redactSecrets("cloning ssh://deploy:pw@git.example.com/x", [])).toBe(
      "cloning ssh://***@git.example.com/x",
    );
  });

  it("leaves text without secrets alone and ignores empty secrets", () => {
    expect(redactSecrets("fatal: repository 'file:///nope' does not exist", ["", "ab"])).toBe(
      "fatal: repository 'file:///nope' does not exist",
    );
  });
});
