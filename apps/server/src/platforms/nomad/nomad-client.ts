/** Where and as whom the server talks to Nomad (berth.hcl `address`, `namespace`, `region`, `token`). */
export interface NomadTarget {
  /** The agent's HTTP address, like "http://127.0.0.1:4646". */
  address: string;
  namespace?: string;
  region?: string;
  /** An ACL token (X-Nomad-Token); never logged or put in an error. */
  token?: string;
}

/** A non-2xx answer from Nomad: its status and its own reason (the response body). */
export class NomadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "NomadError";
  }
}

/** Query parameters, a JSON body and a signal of one call. */
export interface NomadRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** A Nomad HTTP API client over `fetch` (no SDK): namespace, region and token on every call. */
export interface NomadClient {
  readonly address: string;
  /** A JSON call; `index` is the answer's X-Nomad-Index (blocking queries pass it back as ?index=). */
  call<T>(method: string, path: string, request?: NomadRequest): Promise<{ body: T; index: number }>;
  /** A streaming GET (logs): the open response, its body unread. */
  open(path: string, request?: NomadRequest): Promise<Response>;
  /** The URL of `path` with the common query parameters (for the exec WebSocket). */
  url(path: string, query?: NomadRequest["query"]): URL;
  /** Headers every request carries (the token), for the WebSocket upgrade. */
  headers(): Record<string, string>;
}

/** A client for one Nomad agent; the address is checked here, reachability on the first call. */
export function createNomadClient(target: NomadTarget): NomadClient {
  let base: URL;
  try {
    base = new URL(target.address);
  } catch {
    throw new Error(`nomad "address" must be a URL like "http://127.0.0.1:4646", got "${target.address}"`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw new Error(`nomad "address" must be http:// or https://, got "${target.address}"`);
  const address = base.origin + base.pathname.replace(/\/$/, "");

  const url = (path: string, query: NomadRequest["query"] = {}): URL => {
    const u = new URL(address + path);
    const all = { namespace: target.namespace, region: target.region, ...query };
    for (const [k, v] of Object.entries(all))
      if (v !== undefined && v !== "") u.searchParams.set(k, String(v));
    return u;
  };
  const headers = (): Record<string, string> => (target.token ? { "X-Nomad-Token": target.token } : {});

  async function send(method: string, path: string, request: NomadRequest): Promise<Response> {
    const init: RequestInit = { method, headers: headers(), signal: request.signal ?? null };
    if (request.body !== undefined) {
      init.body = JSON.stringify(request.body);
      init.headers = { ...headers(), "Content-Type": "application/json" };
    }
    let res: Response;
    try {
      res = await fetch(url(path, request.query), init);
    } catch (err) {
      if (request.signal?.aborted) throw err;
      const reason = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `the Nomad agent at ${address} does not answer: ${reason?.code ?? reason?.message ?? (err as Error).message}`,
        { cause: err },
      );
    }
    if (!res.ok) {
      // Nomad's reason is its body (plain text); a proxy's HTML error page is cut short.
      const text = (await res.text().catch(() => "")).trim().replace(/\s+/g, " ").slice(0, 500);
      throw new NomadError(
        `Nomad refused ${method} ${path} (${res.status}): ${text || res.statusText}`,
        res.status,
      );
    }
    return res;
  }

  return {
    address,
    async call<T>(method: string, path: string, request: NomadRequest = {}) {
      const res = await send(method, path, request);
      const text = await res.text();
      return {
        body: (text ? JSON.parse(text) : undefined) as T,
        index: Number(res.headers.get("X-Nomad-Index") ?? 0) || 0,
      };
    },
    open: (path, request = {}) => send("GET", path, request),
    url,
    headers,
  };
}
