import { AuthService, DashboardService, ProjectService, Role } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { GetStartedPage } from "./get-started-page.js";

describe("GetStartedPage", () => {
  it("fills the server's address into the commands and mints a fresh code on each press", async () => {
    let minted = 0;
    const transport = createRouterTransport(({ service }) => {
      service(DashboardService, { getCliSetup: () => ({ serverUrl: "http://127.0.0.1:9701" }) });
      service(ProjectService, { listProjects: () => ({ projects: [{ name: "shop" }] }) });
      service(AuthService, {
        createOwnLoginCode: () => ({
          code: `berthc_code${++minted}`,
          expiresAt: timestampFromMs(Date.now() + 300_000),
          role: Role.DEPLOYER,
        }),
      });
    });
    renderWithApp(<GetStartedPage />, {
      transport,
      path: "/get-started",
      pattern: "/get-started",
      viewer: { name: "dora", role: "deployer" },
    });
    const login = await screen.findByLabelText("Login command");
    expect(login.textContent).toContain("npx berth login --server http://127.0.0.1:9701 --dashboard ");
    expect(login.textContent).toContain("--code <press Create a login code>");
    expect(screen.getByLabelText("Install command").textContent).toBe(
      "npm ci && npm run build -w @berth/cli",
    );
    expect(minted).toBe(0);
    await waitFor(() =>
      expect(screen.getByLabelText("Status command").textContent).toBe("npx berth status --project shop"),
    );

    fireEvent.click(screen.getByRole("button", { name: "Create a login code" }));
    await waitFor(() => expect(login.textContent).toMatch(/--code berthc_code1$/));
    expect(screen.getByRole("status").textContent).toContain("works once");
    fireEvent.click(screen.getByRole("button", { name: "Create a new login code" }));
    await waitFor(() => expect(login.textContent).toMatch(/--code berthc_code2$/));
    expect(screen.getByRole("button", { name: "Copy: Login command" })).toBeTruthy();
  });

  it("says why when the server's address cannot be read", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(DashboardService, {
        getCliSetup: () => {
          throw new ConnectError("the dashboard backend is restarting", Code.Unavailable);
        },
      });
    });
    renderWithApp(<GetStartedPage />, { transport, path: "/get-started", pattern: "/get-started" });
    expect((await screen.findByRole("alert")).textContent).toContain("restarting");
  });
});
