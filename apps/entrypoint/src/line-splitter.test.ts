import { describe, expect, it } from "vitest";
import { createLineSplitter, type SplitLine } from "./line-splitter.js";

const text = (lines: SplitLine[]) => lines.map((l) => Buffer.from(l.data).toString("latin1"));

describe("createLineSplitter", () => {
  it("splits on newlines across chunks and keeps empty lines", () => {
    const lines: SplitLine[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    s.push(Buffer.from("a\nb"));
    s.push(Buffer.from("c\n\nd\r\n"));
    expect(text(lines)).toEqual(["a", "bc", "", "d\r"]);
  });

  it("keeps escape sequences, HTML and invalid UTF-8 byte-exact", () => {
    const lines: SplitLine[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    const raw = Buffer.concat([
      Buffer.from("\x1b[31m<b>x</b>\x1b[0m "),
      Buffer.from([0xff, 0xfe, 0x00]),
      Buffer.from("\n"),
    ]);
    s.push(raw);
    expect(Buffer.from(lines[0]!.data)).toEqual(raw.subarray(0, raw.length - 1));
  });

  it("cuts runaway lines at maxLineBytes", () => {
    const lines: SplitLine[] = [];
    const s = createLineSplitter((l) => lines.push(l), { maxLineBytes: 4 });
    s.push(Buffer.from("abcdefghij\n"));
    expect(text(lines)).toEqual(["abcd", "efgh", "ij"]);
  });

  it("emits a partial line after the partial window and at end", async () => {
    const lines: SplitLine[] = [];
    const s = createLineSplitter((l) => lines.push(l), { partialFlushMs: 10 });
    s.push(Buffer.from("prompt> "));
    expect(lines).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(text(lines)).toEqual(["prompt> "]);
    s.push(Buffer.from("tail"));
    s.end();
    expect(text(lines)).toEqual(["prompt> ", "tail"]);
  });
});
