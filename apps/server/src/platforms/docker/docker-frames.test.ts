import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFrameDecoder } from "./docker-frames.js";

function frame(kind: number, payload: string): Buffer {
  const data = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

const text = (f: { stream: string; data: Uint8Array }) => `${f.stream}:${Buffer.from(f.data).toString()}`;

describe("createFrameDecoder", () => {
  it("splits whole frames and tells stdout from stderr", () => {
    const d = createFrameDecoder();
    const frames = d.push(Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(1, "")]));
    expect(frames.map(text)).toEqual(["stdout:out\n", "stderr:err\n", "stdout:"]);
    expect(d.pending).toBe(0);
  });

  it("keeps a frame cut inside its header or payload until the rest arrives", () => {
    const d = createFrameDecoder();
    const bytes = Buffer.concat([frame(2, "hello"), frame(1, "world")]);
    expect(d.push(bytes.subarray(0, 5))).toEqual([]);
    expect(d.push(bytes.subarray(5, 10))).toEqual([]);
    expect(d.pending).toBe(10);
    expect(d.push(bytes.subarray(10)).map(text)).toEqual(["stderr:hello", "stdout:world"]);
  });

  it("gives the same frames however the bytes are chunked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), fc.string()), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1 }),
        (parts, cuts) => {
          const bytes = Buffer.concat(parts.map(([k, s]) => frame(k, s)));
          const d = createFrameDecoder();
          const got: string[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            got.push(...d.push(bytes.subarray(at, at + n)).map(text));
            at += n;
          }
          expect(got).toEqual(parts.map(([k, s]) => `${k === 1 ? "stdout" : "stderr"}:${s}`));
          expect(d.pending).toBe(0);
        },
      ),
    );
  });

  it("rejects bytes that are not a frame header (a TTY stream read as multiplexed)", () => {
    const d = createFrameDecoder();
    expect(() => d.push(Buffer.from("plain text output"))).toThrow(
      /not a Docker stream frame header at byte 0/,
    );
  });
});
