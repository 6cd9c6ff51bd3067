import { render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RouteErrorBoundary } from "./route-error.js";

function Page({ fail }: { fail: boolean }) {
  if (fail) throw new Error("chunk failed to load");
  return <p>the page</p>;
}

describe("RouteErrorBoundary", () => {
  // React logs caught render errors; the test expects this one.
  beforeEach(() => vi.spyOn(console, "error").mockImplementation(() => {}));
  afterEach(() => vi.restoreAllMocks());

  it("shows the error in place of the page, and tries again at the next location", () => {
    const view = render(
      <RouteErrorBoundary resetKey="/a">
        <Page fail />
      </RouteErrorBoundary>,
    );
    expect(screen.getByText("This page could not load")).toBeTruthy();
    expect(screen.getByText("chunk failed to load")).toBeTruthy();
    view.rerender(
      <RouteErrorBoundary resetKey="/a">
        <Page fail={false} />
      </RouteErrorBoundary>,
    );
    expect(screen.queryByText("the page")).toBeNull();
    view.rerender(
      <RouteErrorBoundary resetKey="/b">
        <Page fail={false} />
      </RouteErrorBoundary>,
    );
    expect(screen.getByText("the page")).toBeTruthy();
  });
});
