// Node's own `Headers` is a lazy global: the first touch loads all of undici (fetch, its HTTP/1 client) and compiles
// llhttp's WebAssembly, ~3-5 MB of private memory per process. The entrypoint never uses fetch; connect only needs
// a header map, so each instance's entrypoint gets this one instead (see docs/runtime.md, "Entrypoint footprint").

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function name(n: string): string {
  const s = String(n);
  if (!token.test(s)) throw new TypeError(`invalid header name "${s}"`);
  return s.toLowerCase();
}

function value(v: string): string {
  // Leading and trailing HTTP whitespace is dropped, as the Fetch standard normalizes values.
  const s = String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  if (/[\0\r\n]/.test(s)) throw new TypeError("invalid header value (NUL, CR or LF)");
  return s;
}

/** The part of the Fetch `Headers` class that connect uses, without loading undici. */
export class LightHeaders {
  readonly #map = new Map<string, string>();

  constructor(init?: Iterable<string[]> | Record<string, string> | LightHeaders) {
    if (init === undefined || init === null) return;
    if (typeof (init as Iterable<[string, string]>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<string[]>) {
        if (pair.length !== 2) throw new TypeError("header init pairs must have two items");
        this.append(pair[0]!, pair[1]!);
      }
    } else {
      for (const [k, v] of Object.entries(init as Record<string, string>)) this.append(k, v);
    }
  }

  append(n: string, v: string): void {
    const k = name(n);
    const prev = this.#map.get(k);
    this.#map.set(k, prev === undefined ? value(v) : `${prev}, ${value(v)}`);
  }

  set(n: string, v: string): void {
    this.#map.set(name(n), value(v));
  }

  get(n: string): string | null {
    return this.#map.get(name(n)) ?? null;
  }

  has(n: string): boolean {
    return this.#map.has(name(n));
  }

  delete(n: string): void {
    this.#map.delete(name(n));
  }

  forEach(callback: (value: string, key: string, parent: LightHeaders) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  /** Sorted by name, like the standard's iteration order. */
  *entries(): IterableIterator<[string, string]> {
    yield* [...this.#map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}

/**
 * Puts LightHeaders in place of the global `Headers` without reading the global (reading it is what loads undici).
 * Only for a process that never calls fetch: the entrypoint.
 */
export function installLightHeaders(): void {
  Object.defineProperty(globalThis, "Headers", {
    value: LightHeaders,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
