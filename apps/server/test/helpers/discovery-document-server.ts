import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface DiscoveryDocumentServer {
  /** The issuer it serves discovery for: http://127.0.0.1:<port>. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, publishing an OpenID discovery document and a key set: what
 * TestOidcProvider reads. `namedIssuer` lets the document name another issuer (a misconfigured provider).
 */
export async function startDiscoveryDocumentServer(
  options: { namedIssuer?: string; keys?: number } = {},
): Promise<DiscoveryDocumentServer> {
  const server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = (body: unknown) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/.well-known/openid-configuration") {
      return json({
        issuer: options.namedIssuer ?? issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      });
    }
    if (req.url === "/jwks") {
      return json({
        keys: Array.from({ length: options.keys ?? 1 }, (_, i) => ({
          kty: "RSA",
          kid: `k${i}`,
          n: "AQAB",
          e: "AQAB",
        })),
      });
    }
    res.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
