import { GitService, PreviewSchema, PreviewState } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { PreviewsCard } from "./previews-card.js";

const route = { path: "/p/shop/apps/web", pattern: "/p/:project/apps/:app" };

describe("PreviewsCard", () => {
  it("lists the app's previews with PR, branch, commit, state, URL and expiry; PR text stays inert", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(GitService, {
        listPreviews: (req) => {
          expect(req).toMatchObject({ project: "shop", app: "web" });
          return {
            previews: [
              create(PreviewSchema, {
                project: "shop",
                app: "web",
                previewApp: "web--pr-7",
                number: 7,
                branch: "feature/<b>login</b>",
                sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
                title: '<img src=x onerror="alert(1)">',
                state: PreviewState.READY,
                url: "http://web--pr-7.shop.localhost:9702",
                expiresAt: timestampFromMs(Date.now() + 3 * 3_600_000),
              }),
            ],
          };
        },
      });
    });
    const { container } = renderWithApp(<PreviewsCard project="shop" app="web" />, { transport, ...route });
    const table = await screen.findByRole("table", { name: "Previews" });
    expect(within(table).getByText("#7")).toBeTruthy();
    expect(within(table).getByText("feature/<b>login</b>")).toBeTruthy();
    expect(within(table).getByText("ready")).toBeTruthy();
    expect(within(table).getByRole("link", { name: "web--pr-7" }).getAttribute("href")).toBe(
      "http://web--pr-7.shop.localhost:9702",
    );
    expect(container.querySelector("img")).toBeNull();
  });

  it("says how to get previews when there are none", async () => {
    const empty = createRouterTransport(({ service }) => {
      service(GitService, { listPreviews: () => ({ previews: [] }) });
    });
    renderWithApp(<PreviewsCard project="shop" app="web" />, { transport: empty, ...route });
    expect(await screen.findByText("No open previews")).toBeTruthy();
  });
});
