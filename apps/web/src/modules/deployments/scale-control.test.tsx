import {
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  type ScaleDeploymentRequest,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { countProblem, ScaleControl } from "./scale-control.js";

function setup(role: "viewer" | "deployer", status = DeploymentStatus.HEALTHY) {
  const calls: ScaleDeploymentRequest[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(DeploymentService, {
      scaleDeployment: (req) => {
        calls.push(req);
        if (req.count === 0)
          throw new ConnectError(
            "web v3 is released: scaling it to 0 would take web's public URL down",
            Code.FailedPrecondition,
          );
        return { deployment: create(DeploymentSchema, { seq: 3, instanceCount: req.count }) };
      },
    });
  });
  const d = create(DeploymentSchema, { id: "d3", seq: 3, status, instanceCount: 2 });
  renderWithApp(<ScaleControl project="shop" app="web" deployment={d} />, {
    transport,
    path: "/",
    pattern: "/",
    viewer: { name: "dee", role },
  });
  return calls;
}

const count = () => screen.getByRole("spinbutton", { name: "Instances" });
const scaleButton = () => screen.getByRole("button", { name: "Scale" }) as HTMLButtonElement;

describe("ScaleControl", () => {
  it("sends the new count for a deployer and shows the server's refusal", async () => {
    const calls = setup("deployer");
    expect(scaleButton().disabled).toBe(true); // unchanged
    fireEvent.change(count(), { target: { value: "4" } });
    fireEvent.click(scaleButton());
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]).toMatchObject({ app: { project: "shop", app: "web" }, seq: 3, count: 4 });
    fireEvent.change(count(), { target: { value: "0" } });
    fireEvent.click(scaleButton());
    expect(await screen.findByText(/scaling it to 0 would take web's public URL down/)).toBeTruthy();
  });

  it("refuses a count outside 0–100 before sending it", () => {
    const calls = setup("deployer");
    fireEvent.change(count(), { target: { value: "101" } });
    expect(scaleButton().disabled).toBe(true);
    expect(screen.getByText("An instance count is a whole number from 0 to 100.")).toBeTruthy();
    expect(calls).toHaveLength(0);
    expect(countProblem("-1")).toBeDefined();
    expect(countProblem("2.5")).toBeDefined();
    expect(countProblem("")).toBeDefined();
    expect(countProblem("100")).toBeUndefined();
  });

  it("is disabled for a viewer", () => {
    setup("viewer");
    fireEvent.change(count(), { target: { value: "3" } });
    expect(scaleButton().disabled).toBe(true);
  });

  it("is not shown for a destroyed deployment", () => {
    setup("deployer", DeploymentStatus.DESTROYED);
    expect(screen.queryByRole("button", { name: "Scale" })).toBeNull();
  });
});
