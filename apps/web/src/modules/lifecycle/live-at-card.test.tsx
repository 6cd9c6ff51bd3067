import { LifecycleService, LiveIntervalSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { LiveAtCard } from "./live-at-card.js";

const hour = 3_600_000;
const releasedAt = Date.now() - 2 * hour;
const interval = (seq: number, from: number, to?: number, rollback = false) =>
  create(LiveIntervalSchema, {
    app: "web",
    deploymentId: `d${seq}`,
    deploymentSeq: seq,
    weight: 100,
    releaseId: `r${from}`,
    releaseSeq: seq,
    from: timestampFromMs(from),
    to: to ? timestampFromMs(to) : undefined,
    rollback,
    reason: rollback ? "v2 was slow" : "",
  });

describe("LiveAtCard", () => {
  it("answers for now, says nothing was live before the first release, and picks a band's start from the timeline", async () => {
    const asked: number[] = [];
    const intervals = [interval(1, releasedAt - hour, releasedAt), interval(2, releasedAt, undefined, true)];
    const transport = createRouterTransport(({ service }) => {
      service(LifecycleService, {
        getLiveAt: (req) => {
          const at = req.at ? timestampMs(req.at) : Date.now();
          asked.push(at);
          const live = intervals.filter(
            (i) => timestampMs(i.from!) <= at && (!i.to || timestampMs(i.to) > at),
          );
          return { apps: [{ app: "web", live }] };
        },
        listLiveIntervals: () => ({ intervals }),
      });
    });
    renderWithApp(<LiveAtCard project="shop" app="web" />, { transport, path: "/", pattern: "/" });
    const answer = await screen.findByTestId("live-at-answer");
    expect(within(answer).getByRole("link", { name: "v2" })).toBeTruthy();
    expect(within(answer).getByText("rollback")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Live at"), { target: { value: "2001-01-01T00:00" } });
    expect(await screen.findByText(/^Nothing was live at/)).toBeTruthy();
    expect(asked.at(-1)).toBe(new Date(2001, 0, 1).getTime());

    fireEvent.click(await screen.findByRole("button", { name: /^v1 100% from .* for 1 h$/ }));
    await waitFor(() => expect(asked.at(-1)).toBe(releasedAt - hour));
    await waitFor(() =>
      expect(within(screen.getByTestId("live-at-answer")).getByRole("link", { name: "v1" })).toBeTruthy(),
    );
  });
});
