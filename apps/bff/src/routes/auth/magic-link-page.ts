/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
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

/** A small static page for a login link that did not work (no scripts, so it passes the CSP). */
export function magicLinkPage(title: string, text: string): string {
  return page(title, `<p>${escapeHtml(text)}</p>\n<p><a href="/">Go to the sign-in page</a></p>`);
}

/**
 * The page a login link opens: one same-origin form that POSTs the code. Opening the link signs no
 * one in (link scanners and cross-site pages only ever GET it); pressing the button does.
 */
export function magicLinkSignInPage(code: string): string {
  return page(
    "Sign in to Berth",
    `<p>This one-time link signs this browser in to the Berth dashboard.</p>
<form method="post" action="/auth/magic">
<input type="hidden" name="code" value="${escapeHtml(code)}">
<button type="submit" style="font-size: 1rem; padding: 0.5rem 1.25rem">Sign in</button>
</form>`,
  );
}
