import { once } from "node:events";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sniffProtocol } from "./sniff-protocol.js";

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Connects, writes the chunks one event-loop turn apart, and returns what the server sniffed and then read. */
async function sniff(chunks: string[]): Promise<{ protocol: string; bytes: string }> {
  const result = new Promise<{ protocol: string; bytes: string }>((resolve, reject) => {
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      sniffProtocol(socket).then((protocol) => {
        let bytes = "";
        socket.on("data", (d) => {
          bytes += d.toString();
        });
        socket.on("end", () => resolve({ protocol, bytes }));
      }, reject);
    });
    servers.push(server);
    server.listen(0, "127.0.0.1", async () => {
      const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
      await once(client, "connect");
      for (const chunk of chunks) {
        client.write(chunk);
        await new Promise((r) => setTimeout(r, 5));
      }
      client.end();
    });
  });
  return result;
}

describe("sniffProtocol", () => {
  const preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

  it("recognises the HTTP/2 preface even when it arrives in pieces, and keeps every byte", async () => {
    expect(await sniff(["PR", "I * HTTP/2", `.0\r\n\r\nSM\r\n\r\n`, "frames"])).toEqual({
      protocol: "h2",
      bytes: `${preface}frames`,
    });
  });

  it("hands anything else to HTTP/1.1 with its bytes intact", async () => {
    expect(await sniff(["POST /x HTTP/1.1\r\n", "host: a\r\n\r\n"])).toEqual({
      protocol: "http1",
      bytes: "POST /x HTTP/1.1\r\nhost: a\r\n\r\n",
    });
    expect(await sniff(["P", "UT / HTTP/1.1\r\n\r\n"])).toMatchObject({ protocol: "http1" });
  });
});
