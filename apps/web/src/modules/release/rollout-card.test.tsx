import {
  type AbortRolloutRequest,
  type Rollout,
  RolloutSchema,
  RolloutService,
  RolloutSideSchema,
  RolloutState,
  type WatchRolloutResponse,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { RolloutCard } from "./rollout-card.js";

const running = create(RolloutSchema, {
  app: { project: "shop", app: "web" },
  state: RolloutState.RUNNING,
  steps: [10, 50, 100],
  step: 1,
  baseline: { seq: 3, weight: 50, metrics: { requests: 400n, errors5xx: 0n, p50Ms: 1.2, p95Ms: 3.4 } },
  canary: { seq: 4, weight: 50, metrics: { requests: 400n, errors5xx: 20n, p50Ms: 1.5, p95Ms: 9 } },
});

/** A server whose WatchRollout sends `first`, then what each abort produced. */
function setup(viewerRole: "viewer" | "deployer" = "deployer") {
  const aborts: AbortRolloutRequest[] = [];
  let push: (r: Rollout) => void = () => {};
  const transport = createRouterTransport(({ service }) => {
    service(RolloutService, {
      async *watchRollout(): AsyncGenerator<Partial<WatchRolloutResponse>> {
        const queue: Rollout[] = [running];
        let wake: () => void = () => {};
        push = (r) => {
          queue.push(r);
          wake();
        };
        for (;;) {
          const next = queue.shift();
          if (next) yield { rollout: next };
          else await new Promise<void>((r) => (wake = r));
        }
      },
      abortRollout(req) {
        aborts.push(req);
        const ended = create(RolloutSchema, {
          ...running,
          state: RolloutState.ABORTED,
          endReason: "<b>enough</b>",
          baseline: create(RolloutSideSchema, { seq: 3, weight: 100 }),
          canary: create(RolloutSideSchema, { seq: 4, weight: 0 }),
        });
        push(ended);
        return { rollout: ended };
      },
    });
  });
  renderWithApp(<RolloutCard project="shop" app="web" />, {
    transport,
    path: "/",
    pattern: "/",
    viewer: { name: "ada", role: viewerRole } as never,
  });
  return { aborts };
}

describe("RolloutCard", () => {
  it("shows baseline and canary side by side, live, and aborts with one click", async () => {
    const { aborts } = setup();
    const table = await screen.findByRole("table", { name: "Baseline and canary side by side" });
    const canary = within(table).getByRole("row", { name: /Canary/ });
    expect(canary.textContent).toBe("Canaryv4 no git50%4005.0%1.5 ms9.0 ms");
    expect(within(table).getByRole("row", { name: /Baseline/ }).textContent).toContain("0.0%");
    fireEvent.click(screen.getByRole("button", { name: "Abort" }));
    await waitFor(() => expect(aborts).toHaveLength(1));
    expect(aborts[0]?.app).toMatchObject({ project: "shop", app: "web" });
    // The end reason is the server's text, shown as text.
    expect((await screen.findByTestId("rollout-end-reason")).textContent).toBe("Ended: <b>enough</b>");
    expect(screen.queryByRole("button", { name: "Abort" })).toBeNull();
  });

  it("disables the buttons, with the reason, for a viewer", async () => {
    setup("viewer");
    const advance = await screen.findByRole("button", { name: "Advance" });
    expect((advance as HTMLButtonElement).disabled).toBe(true);
  });
});
