import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AnsiText, parseAnsi } from "./ansi-text.js";

describe("AnsiText", () => {
  it("renders colours as styled spans", () => {
    const segments = parseAnsi("\u001b[31mred\u001b[0m plain \u001b[1;32mbold green\u001b[0m");
    expect(segments.map((s) => s.text)).toEqual(["red", " plain ", "bold green"]);
    expect(segments[0]!.style?.color).toMatch(/^rgb\(/);
    expect(segments[2]!.style?.fontWeight).toBe(600);
  });

  it("keeps HTML in app output as text", () => {
    const evil = "\u001b[31m<img src=x onerror=alert(1)>\u001b[0m<script>alert(2)</script>";
    const { container } = render(
      <div>
        <AnsiText text={evil} highlight={/img/} />
      </div>,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(container.textContent).toBe("<img src=x onerror=alert(1)><script>alert(2)</script>");
    expect(container.querySelector("mark")?.textContent).toBe("img");
  });

  it("passes plain text through untouched", () => {
    expect(parseAnsi("no colour <b>")).toEqual([{ text: "no colour <b>" }]);
  });
});
