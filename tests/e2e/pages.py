"""What the browser tests do on a page: sign in, and read the Content-Security-Policy
violations the page reported."""

from __future__ import annotations

from tests.factories import PASSWORD

# runs before the page's own scripts, outside the policy (Playwright injects it)
LISTEN_FOR_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
});
"""


def log_in(page, email, *, lands_on="**/"):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lands_on)


def violations(page) -> list[str]:
    # a violation event is dispatched asynchronously; let pending tasks run first
    page.wait_for_timeout(200)
    return page.evaluate("window.__violations")
