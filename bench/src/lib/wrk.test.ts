import { describe, expect, it } from "vitest";
import { parseWrk } from "./wrk.js";

const sample = `Running 4s test @ http://127.0.0.1:9702/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.21ms    5.10ms  98.20ms   95.12%
    Req/Sec     9.05k   512.33    10.01k    70.00%
  Latency Distribution
     50%    2.95ms
     75%    3.40ms
     90%    4.10ms
     99%   86.19ms
  36212 requests in 4.00s, 6.11MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:   9068.12
Transfer/sec:      1.53MB
`;

describe("parseWrk", () => {
  it("reads requests/s, p50, p99 and counts socket errors and non-2xx answers", () => {
    expect(parseWrk(sample)).toEqual({ requestsPerSecond: 9068, p50Ms: 2.95, p99Ms: 86.19, errors: 6 });
  });

  it("converts microseconds and seconds to milliseconds", () => {
    const out = sample.replace("2.95ms", "950.00us").replace("86.19ms", "1.20s");
    const r = parseWrk(out);
    expect(r.p50Ms).toBe(0.95);
    expect(r.p99Ms).toBe(1200);
  });

  it("gives NaN rather than a made-up number when wrk printed no figures", () => {
    expect(parseWrk("unable to connect").requestsPerSecond).toBeNaN();
  });
});
