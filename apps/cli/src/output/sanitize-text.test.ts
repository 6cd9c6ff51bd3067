import { describe, expect, it } from "vitest";
import { sanitizeText } from "./sanitize-text.js";

const esc = "\u001b";
const bel = "\u0007";
const st = `${esc}\\`;

describe("sanitizeText", () => {
  it("removes OSC 8 links (BEL- and ST-terminated) but keeps their visible text", () => {
    expect(sanitizeText(`fix ${esc}]8;;https://evil.example/${bel}click me${esc}]8;;${bel} now`)).toBe(
      "fix click me now",
    );
    expect(sanitizeText(`${esc}]8;;https://evil.example/${st}x${esc}]8;;${st}`)).toBe("x");
  });

  it("removes title changes, clipboard writes and unterminated OSC strings", () => {
    expect(sanitizeText(`a${esc}]0;pwned${bel}b`)).toBe("ab");
    expect(sanitizeText(`a${esc}]52;c;ZWNobyBoaQ==${bel}b`)).toBe("ab");
    expect(sanitizeText(`a${esc}]0;never ends`)).toBe("a");
  });

  it("removes CSI cursor moves, erases and 8-bit CSI", () => {
    expect(sanitizeText(`ok${esc}[2K${esc}[1A${esc}[10;20Hdone`)).toBe("okdone");
    expect(sanitizeText(`ok\u009b2Jdone`)).toBe("okdone");
    expect(sanitizeText(`ok${esc}[?1049h${esc}[31mred`)).toBe("okred");
  });

  it("removes DCS/APC strings, other escapes and lone controls", () => {
    expect(sanitizeText(`a${esc}P1$r0m${st}b${esc}_apc${st}c`)).toBe("abc");
    expect(sanitizeText(`a${esc}cb${esc}7c${esc}(0d`)).toBe("abcd");
    expect(sanitizeText(`a\rb\bc\u0000d\u007fe\u0085f${esc}`)).toBe("abcdef");
  });

  it("removes bidi overrides, isolates and marks", () => {
    expect(sanitizeText("a\u202egnp.exe\u202c b\u2066c\u2069\u200f")).toBe("agnp.exe bc");
  });

  it("keeps tabs and newlines unless asked, and plain Unicode always", () => {
    expect(sanitizeText("a\tb\nc ✔ é 日本")).toBe("a\tb\nc ✔ é 日本");
    expect(sanitizeText("a\tb\r\nc", { keepNewlines: false, keepTabs: false })).toBe("a b c");
  });

  it("keeps SGR colours only when asked, and still removes the rest", () => {
    const line = `${esc}[32mgreen${esc}[0m ${esc}[38;2;1;2;3mrgb${esc}[m${esc}]8;;x${bel}link${esc}]8;;${bel}${esc}[2J\r`;
    expect(sanitizeText(line, { keepSgr: true })).toBe(
      `${esc}[32mgreen${esc}[0m ${esc}[38;2;1;2;3mrgb${esc}[mlink`,
    );
    expect(sanitizeText(line)).toBe("green rgblink");
    // An 8-bit CSI "m" is not kept: few UTF-8 terminals agree on what it means.
    expect(sanitizeText("\u009b31mx", { keepSgr: true })).toBe("x");
  });
});
