import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deliveryHeaders, verifyDelivery } from "./verify-delivery.js";

const secret = "bws_test-secret";
const body = Buffer.from('{"ref":"refs/heads/main"}');
const hex = createHmac("sha256", secret).update(body).digest("hex");

describe("deliveryHeaders", () => {
  it("tells the forges apart, Gitea and Forgejo before the GitHub headers they also send", () => {
    expect(deliveryHeaders({ "x-github-event": "push", "x-github-delivery": "g1" })).toEqual({
      forge: "github",
      event: "push",
      deliveryId: "g1",
    });
    expect(
      deliveryHeaders({ "x-github-event": "push", "x-gitea-event": "push", "x-gitea-delivery": "t1" }),
    ).toEqual({ forge: "gitea", event: "push", deliveryId: "t1" });
    expect(deliveryHeaders({ "x-forgejo-event": "push", "x-forgejo-delivery": "f1" }).forge).toBe("gitea");
    expect(deliveryHeaders({ "x-gitlab-event": "Push Hook", "x-gitlab-event-uuid": "l1" })).toEqual({
      forge: "gitlab",
      event: "Push Hook",
      deliveryId: "l1",
    });
    expect(deliveryHeaders({}).forge).toBe("");
  });
});

describe("verifyDelivery", () => {
  it("GitHub: accepts sha256=<HMAC of the body>, refuses unsigned, wrong and tampered", () => {
    expect(
      verifyDelivery("github", { "x-hub-signature-256": `sha256=${hex}` }, body, secret),
    ).toBeUndefined();
    expect(verifyDelivery("github", {}, body, secret)).toContain("unsigned");
    expect(verifyDelivery("github", { "x-hub-signature-256": `sha256=${hex}` }, body, "other")).toContain(
      "does not match",
    );
    expect(
      verifyDelivery("github", { "x-hub-signature-256": `sha256=${hex}` }, Buffer.from("{}"), secret),
    ).toContain("does not match");
    // A bare hex (Gitea's form) is not GitHub's.
    expect(verifyDelivery("github", { "x-hub-signature-256": hex }, body, secret)).toContain(
      "does not match",
    );
  });

  it("Gitea/Forgejo: accepts the bare hex HMAC in either header, refuses a wrong one", () => {
    expect(verifyDelivery("gitea", { "x-gitea-signature": hex }, body, secret)).toBeUndefined();
    expect(verifyDelivery("gitea", { "x-forgejo-signature": hex }, body, secret)).toBeUndefined();
    expect(verifyDelivery("gitea", {}, body, secret)).toBe("no X-Gitea-Signature header (unsigned)");
    const wrong = createHmac("sha256", "nope").update(body).digest("hex");
    expect(verifyDelivery("gitea", { "x-gitea-signature": wrong }, body, secret)).toBe(
      "X-Gitea-Signature does not match the body",
    );
  });

  it("GitLab: accepts the secret token, refuses a missing or different one", () => {
    expect(verifyDelivery("gitlab", { "x-gitlab-token": secret }, body, secret)).toBeUndefined();
    expect(verifyDelivery("gitlab", {}, body, secret)).toBe("no X-Gitlab-Token header");
    expect(verifyDelivery("gitlab", { "x-gitlab-token": `${secret}x` }, body, secret)).toBe(
      "X-Gitlab-Token does not match",
    );
  });
});
