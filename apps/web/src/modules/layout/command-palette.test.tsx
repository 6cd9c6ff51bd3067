import { CatalogEntrySchema, ProjectService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeAll, describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { CommandPalette } from "./command-palette.js";

beforeAll(() => {
  // cmdk measures and scrolls its list; jsdom does neither.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  Element.prototype.scrollIntoView ??= () => {};
});

const entry = (project: string, name: string, owner: string, labels: Record<string, string> = {}) =>
  create(CatalogEntrySchema, { application: { project, name, owner, labels } });

describe("CommandPalette", () => {
  it("finds apps by owner or label, not only by name", async () => {
    let fetched = 0;
    const transport = createRouterTransport(({ service }) => {
      service(ProjectService, {
        listCatalog: () => {
          fetched++;
          return {
            entries: [
              entry("shop", "web", "team-storefront", { tier: "web" }),
              entry("ops", "grafana", "team-core"),
            ],
          };
        },
      });
    });
    renderWithApp(<CommandPalette open onClose={() => {}} />, { transport, path: "/", pattern: "/" });
    await screen.findByRole("option", { name: /shop\/web/ });
    const input = screen.getByPlaceholderText("Jump to an app, page, or paste a SHA…");
    fireEvent.change(input, { target: { value: "team-core" } });
    await waitFor(() => expect(screen.queryByRole("option", { name: /shop\/web/ })).toBeNull());
    expect(screen.getByRole("option", { name: /ops\/grafana/ })).toBeTruthy();
    fireEvent.change(input, { target: { value: "tier=web" } });
    await screen.findByRole("option", { name: /shop\/web/ });
    expect(fetched).toBe(1);
  });
});
