import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { ApiPage } from "./api-page.js";

describe("ApiPage", () => {
  it("lists the API with its comments and CLI commands, finds a method by its command, and is accessible", async () => {
    const { container } = renderWithApp(<ApiPage />, {
      transport: createRouterTransport(() => {}),
      path: "/api",
      pattern: "/api",
    });
    expect(screen.getByText("berth.v1.RolloutService")).toBeTruthy();
    const abort = screen.getByRole("listitem", { name: "berth.v1.RolloutService/AbortRollout" });
    expect(abort.textContent).toContain("Returns all traffic to the baseline and ends the rollout.");
    expect(abort.textContent).toContain("CLI: berth rollout abort");
    fireEvent.change(screen.getByRole("searchbox", { name: "Search the API" }), {
      target: { value: "rollout abort" },
    });
    expect(screen.getAllByRole("listitem").map((li) => li.getAttribute("aria-label"))).toEqual([
      "berth.v1.RolloutService/AbortRollout",
    ]);
    const results = await axe.run(container);
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });
});
