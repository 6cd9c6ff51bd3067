import { HealthState, InstanceSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { InstancesTable } from "./instances-table.js";

describe("InstancesTable", () => {
  it("shows why a config push could not be applied next to the revision the instance still runs", () => {
    const error =
      "config revision 7 could not be applied: the environment is too large for the operating system";
    render(
      <InstancesTable
        instances={[
          create(InstanceSchema, {
            id: "inst-0000aaaa",
            connected: true,
            configRevision: 6,
            configError: error,
          }),
          create(InstanceSchema, { id: "inst-0000bbbb", connected: true, configRevision: 7 }),
        ]}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe(`(${error})`);
    expect(screen.getAllByRole("row").map((r) => r.textContent)).toEqual([
      expect.any(String),
      expect.stringContaining(`rev 6(${error})`),
      expect.stringContaining("rev 7"),
    ]);
  });

  it("says a failed check of a healthy instance is a warning, and a failing instance's error is an error", () => {
    render(
      <InstancesTable
        instances={[
          create(InstanceSchema, {
            id: "inst-0000aaaa",
            connected: true,
            health: HealthState.HEALTHY,
            lastHealthError: "connect ECONNREFUSED",
          }),
          create(InstanceSchema, {
            id: "inst-0000bbbb",
            connected: true,
            health: HealthState.UNHEALTHY,
            lastHealthError: "HTTP 500",
          }),
        ]}
      />,
    );
    const warning = screen.getByText(/last check failed: connect ECONNREFUSED/);
    expect(warning.className).toContain("text-amber-600");
    const error = screen.getByText(/\(HTTP 500\)/);
    expect(error.className).toContain("text-red-600");
  });

  it("names each instance's container by its short id when an engine runs them, the full id on hover", () => {
    const containerId = "4f1c2d3e4a5b".padEnd(64, "0");
    render(
      <InstancesTable
        platform="docker"
        instances={[create(InstanceSchema, { id: "inst-0000aaaa", connected: false, nativeId: containerId })]}
      />,
    );
    expect(screen.getByRole("columnheader", { name: "Container" })).toBeDefined();
    const cell = screen.getByRole("cell", { name: "4f1c2d3e4a5b" });
    expect(cell.getAttribute("title")).toBe(containerId);
  });

  it("has no engine id column for processes on the server's host", () => {
    render(<InstancesTable instances={[create(InstanceSchema, { id: "inst-0000aaaa", connected: true })]} />);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).not.toContain("Engine id");
    expect(screen.getAllByRole("columnheader")).toHaveLength(7);
  });
});
