import { describe, expect, it } from "vitest";
import { gitSourceOf, triggerLabel } from "./trigger-label.js";

describe("triggerLabel", () => {
  it("names the trigger and who", () => {
    expect(triggerLabel("webhook", "github webhook")).toBe("triggered by github webhook");
    expect(triggerLabel("webhook", "")).toBe("triggered by webhook");
    expect(triggerLabel("remote", "ada")).toBe("remote by ada");
    expect(triggerLabel("", "")).toBe("");
  });
});

describe("gitSourceOf", () => {
  it("reads the source from an app's config, and nothing from a config without one or a broken one", () => {
    expect(gitSourceOf(JSON.stringify({ source: { git: { url: "https://x/y.git", ref: "prod" } } }))).toEqual(
      {
        url: "https://x/y.git",
        ref: "prod",
      },
    );
    expect(gitSourceOf("{}")).toBeUndefined();
    expect(gitSourceOf("{nope")).toBeUndefined();
  });
});
