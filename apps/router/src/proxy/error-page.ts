import type { ServerResponse } from "node:http";

const titles: Record<number, string> = { 404: "Not found", 502: "Bad gateway", 503: "Unavailable" };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Answers with a small page saying what the router could not do, in HTML or plain text. */
export function sendErrorPage(
  res: ServerResponse,
  status: number,
  message: string,
  acceptsHtml: boolean,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const title = titles[status] ?? "Error";
  const body = acceptsHtml
    ? `<!doctype html><meta charset="utf-8"><title>${status} ${title}</title><body style="font-family:system-ui;margin:3rem"><h1>${status} ${title}</h1><p>${escapeHtml(message)}</p><p style="color:#888">Berth router</p></body>\n`
    : `${status} ${title}: ${message}\n`;
  res.writeHead(status, {
    "content-type": acceptsHtml ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "x-berth-router": "1",
  });
  res.end(body);
}
