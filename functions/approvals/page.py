"""The page a browser sees when an approver opens an emailed link (``GET`` with ``Accept: text/html``).

Opening the link decides nothing (mail scanners fetch links too): the page shows the request and
a button that ``POST``s the decision, with an optional comment, to the same URL. Hand-written
HTML rather than a template engine: one small page, every inserted value escaped.
"""

from __future__ import annotations

from html import escape

__all__ = ["PAGE_HEADERS", "link_page"]

PAGE_HEADERS = {
    # Its own inline script and style only, requests to itself only, and never inside a frame
    # (a framed page could trick an approver into clicking the button).
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}}
textarea{{width:100%;min-height:4rem}}button{{font-size:1rem;padding:.5rem 1.5rem;margin-top:1rem}}</style>
</head><body>
<h1>{title}</h1>
<p id="message">{message}</p>
<p>Status: <strong id="status">{status}</strong></p>
<form id="decide"{hidden}>
<label for="comment">Comment (optional)</label>
<textarea id="comment" maxlength="2000"></textarea>
<button type="submit">{verb}</button>
</form>
<p id="result" role="status"></p>
<script>
document.getElementById("decide").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const comment = document.getElementById("comment").value || null;
  const answer = await fetch(location.href, {{method: "POST", headers: {{"Content-Type": "application/json"}},
    body: JSON.stringify({{comment}})}});
  const body = await answer.json();
  document.getElementById("result").textContent = answer.ok
    ? "Recorded: " + body.status + "." : body.error.message;
  if (answer.ok) {{ document.getElementById("status").textContent = body.status;
    document.getElementById("decide").hidden = true; }}
}});
</script>
</body></html>
"""


def link_page(message: str, status: str, decision: str) -> str:
    """The HTML of one approval link: the request, its status, and the button that decides.

    Example:
        >>> "<b>" in link_page("<b>Pay?</b>", "pending", "approve")
        False
    """
    verb = "Approve" if decision == "approve" else "Reject"
    return _PAGE.format(
        title=f"{verb} this request?",
        message=escape(message),
        status=escape(status),
        verb=verb,
        hidden="" if status == "pending" else " hidden",
    )
