/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small static page (no scripts, so it passes the CSP) for sign-in steps that end outside the SPA. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Berth</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1 style="font-size: 1.25rem">${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** A page that explains why a sign-in did not work and links back to the sign-in page. */
export function messagePage(title: string, ...paragraphs: string[]): string {
  const text = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  return htmlPage(title, `${text}\n<p><a href="/login">Go to the sign-in page</a></p>`);
}
