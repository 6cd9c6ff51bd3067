import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { useSearchParams } from "./use-search-params.js";

function setup(path: string) {
  const memory = memoryLocation({ path, record: true });
  const wrapper = ({ children }: { children: ReactNode }) => <Router hook={memory.hook}>{children}</Router>;
  return { ...renderHook(() => useSearchParams(), { wrapper }), history: memory.history };
}

describe("useSearchParams", () => {
  it("reads values as typed, percent signs included", () => {
    const { result } = setup("/p/shop/a/web/logs?q=%2541%20x&stream=stderr");
    expect(result.current[0].get("q")).toBe("%41 x");
    expect(result.current[0].get("stream")).toBe("stderr");
  });

  it("writes from a copy of the query, pushing or replacing", () => {
    const { result, history } = setup("/jobs?state=running");
    const before = result.current[0];
    act(() =>
      result.current[1]((p) => {
        p.set("q", "50%");
        return p;
      }),
    );
    expect(before.get("q")).toBeNull();
    expect(result.current[0].get("q")).toBe("50%");
    act(() => result.current[1]({}, { replace: true }));
    expect(history).toEqual(["/jobs?state=running", "/jobs"]);
  });
});
