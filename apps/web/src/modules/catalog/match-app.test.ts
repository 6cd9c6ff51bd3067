import { ApplicationSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { matchesApp } from "./match-app.js";

const app = create(ApplicationSchema, {
  project: "shop",
  name: "web",
  description: "The shop front",
  owner: "team-storefront",
  labels: { tier: "frontend" },
  links: { runbook: "https://wiki.example/runbook" },
});

describe("matchesApp", () => {
  it("matches every word against name, project, description, owner, labels and link names", () => {
    expect(matchesApp(app, "")).toBe(true);
    expect(matchesApp(app, "storefront")).toBe(true);
    expect(matchesApp(app, "tier=frontend shop")).toBe(true);
    expect(matchesApp(app, "RUNBOOK")).toBe(true);
    expect(matchesApp(app, "storefront backend")).toBe(false);
  });
});
