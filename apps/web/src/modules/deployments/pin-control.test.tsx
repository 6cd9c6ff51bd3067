import { type AnnotateDeploymentRequest, DeploymentSchema, DeploymentService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { PinControl } from "./pin-control.js";

function setup(role: "viewer" | "deployer") {
  const calls: AnnotateDeploymentRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(DeploymentService, {
      annotateDeployment: (req) => {
        calls.push(req);
        return { deployment: create(DeploymentSchema, { seq: 3, pinned: req.pinned, note: req.note }) };
      },
    });
  });
  const d = create(DeploymentSchema, { id: "d3", seq: 3, pinned: false, note: "" });
  renderWithApp(<PinControl project="shop" app="web" deployment={d} />, {
    transport,
    path: "/",
    pattern: "/",
    viewer: { name: "dee", role },
  });
  return calls;
}

describe("PinControl", () => {
  it("pins and saves a note for a deployer", async () => {
    const calls = setup("deployer");
    fireEvent.click(screen.getByRole("button", { name: "Pin" }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ app: { project: "shop", app: "web" }, seq: 3, pinned: true, note: "" });
    fireEvent.click(screen.getByRole("button", { name: "Add note" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Note" }), { target: { value: "known good" } });
    fireEvent.click(screen.getByRole("button", { name: "Save note" }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toMatchObject({ seq: 3, pinned: false, note: "known good" });
  });

  it("disables both for a viewer and says why", () => {
    setup("viewer");
    expect((screen.getByRole("button", { name: "Pin" }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Add note" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
