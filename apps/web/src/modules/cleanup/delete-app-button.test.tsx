import { type DeleteApplicationRequest, type DeleteProjectRequest, ProjectService } from "@berth/proto";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { DeleteAppButton } from "./delete-app-button.js";
import { DeleteProjectButton } from "./delete-project-button.js";

function transportRecording() {
  const apps: DeleteApplicationRequest[] = [];
  const projects: DeleteProjectRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(ProjectService, {
      deleteApplication: (req) => {
        apps.push(req);
        return { destroyedSeqs: [1, 2] };
      },
      deleteProject: (req) => {
        projects.push(req);
        return { applications: ["web"], destroyedDeployments: 2 };
      },
    });
  });
  return { transport, apps, projects };
}

describe("DeleteAppButton", () => {
  it("deletes only once the app's name is typed, for an admin", async () => {
    const { transport, apps } = transportRecording();
    renderWithApp(<DeleteAppButton project="shop" app="web" />, {
      transport,
      path: "/",
      pattern: "/",
      viewer: { name: "ada", role: "admin" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Delete app" }));
    const dialog = screen.getByRole("dialog", { name: "Delete shop/web" });
    const confirm = screen.getByRole("button", { name: "Delete web" }) as HTMLButtonElement;
    expect(dialog).toBeTruthy();
    expect(confirm.disabled).toBe(true);
    const input = screen.getByRole("textbox", { name: "Type web to confirm" });
    fireEvent.change(input, { target: { value: "we" } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(input, { target: { value: "web" } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(apps).toHaveLength(1));
    expect(apps[0]).toMatchObject({ app: { project: "shop", app: "web" } });
  });

  it("is disabled for a deployer, with the reason", () => {
    const { transport } = transportRecording();
    renderWithApp(<DeleteAppButton project="shop" app="web" />, {
      transport,
      path: "/",
      pattern: "/",
      viewer: { name: "dee", role: "deployer" },
    });
    const button = screen.getByRole("button", { name: "Delete app" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe("Needs the admin role; you are a deployer.");
  });
});

describe("DeleteProjectButton", () => {
  it("deletes the project once its name is typed", async () => {
    const { transport, projects } = transportRecording();
    renderWithApp(<DeleteProjectButton project="shop" />, {
      transport,
      path: "/",
      pattern: "/",
      viewer: { name: "ada", role: "admin" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Delete project" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Type shop to confirm" }), {
      target: { value: "shop" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Delete shop" }));
    await waitFor(() => expect(projects).toHaveLength(1));
    expect(projects[0]).toMatchObject({ name: "shop" });
  });
});
