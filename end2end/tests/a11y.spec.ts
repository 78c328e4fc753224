import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, openMenu, signedInContext, test } from "./fixtures";

// Every page each demo account can reach, hydrated, on a phone and a tablet: axe-core finds no
// WCAG 2.2 AA violation, and every control is at least 44 × 44 px (the component stylesheet's
// promise, for shaky hands and poor eyesight; WCAG's own minimum is 24 px).

const ACCOUNTS = [
  "grace@circle.example",
  "sam@circle.example",
  "asha@riverside.example",
  "tom@elmcourt.example",
  "jo@northgate.example",
  "admin@circle.example",
  "maggie@home.example",
  "ruth@family.example",
  "lee@advocacy.example",
  "anil@family.example",
];

const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
/** The stylesheet's smallest target, in CSS pixels. */
const TARGET = 44;

/** The axe-core violations on the page (or in `scope`), one readable line each. */
async function violations(page: Page, scope?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_22_AA);
  if (scope) builder = builder.include(scope);
  const results = await builder.analyze();
  return results.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(" ")}`),
  );
}

/**
 * Visible controls smaller than 44 × 44 px. A link inside a sentence is exempt, as in WCAG's
 * own rule: it is as tall as the text around it.
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((target) => {
    const controls = document.querySelectorAll<HTMLElement>(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])",
    );
    const small: string[] = [];
    for (const control of controls) {
      const box = control.getBoundingClientRect();
      const style = getComputedStyle(control);
      if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
      if (control.closest("[hidden], details:not([open]) > :not(summary)")) continue;
      if (style.display === "inline" && control.tagName === "A") {
        const around = control.parentElement?.textContent?.trim() ?? "";
        if (around !== (control.textContent?.trim() ?? "")) continue;
      }
      // A box labelled by its label: the label is part of the target.
      let width = box.width;
      let height = box.height;
      if (control instanceof HTMLInputElement && (control.type === "checkbox" || control.type === "radio")) {
        const label = control.closest("label") ?? (control.id ? document.querySelector(`label[for="${control.id}"]`) : null);
        if (label) {
          const l = label.getBoundingClientRect();
          width = Math.max(width, l.width);
          height = Math.max(height, l.height);
        }
      }
      if (width + 0.5 < target || height + 0.5 < target) {
        const name = (control.getAttribute("aria-label") ?? control.textContent ?? control.getAttribute("name") ?? "")
          .trim()
          .replace(/\s+/g, " ")
          .slice(0, 40);
        small.push(`${control.tagName.toLowerCase()} "${name}" is ${Math.round(width)} × ${Math.round(height)} px`);
      }
    }
    return small;
  }, TARGET);
}

/** The pages of Circle a page links to (not sign-out, downloads or the API). */
async function linkedPages(page: Page): Promise<string[]> {
  const hrefs = await page.locator("a[href]").evaluateAll((links) =>
    links.map((a) => (a as HTMLAnchorElement).href),
  );
  const origin = new URL(page.url()).origin;
  const paths = new Set<string>();
  for (const href of hrefs) {
    const url = new URL(href);
    if (url.origin !== origin) continue;
    if (/^\/(auth|api|pkg)\//.test(url.pathname) || /\.(csv|json|svg|ico)$/.test(url.pathname)) continue;
    paths.add(url.pathname);
  }
  return [...paths];
}

async function check(page: Page, path: string, problems: string[]) {
  const response = await page.goto(path);
  expect(response?.status(), `${path} opens`).toBeLessThan(400);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  for (const line of await violations(page)) problems.push(`${path}: ${line}`);
  for (const line of await smallTargets(page)) problems.push(`${path}: ${line}`);
}

for (const email of ACCOUNTS) {
  test(`every page ${email} can open is accessible (axe-core, WCAG 2.2 AA) with 44 px targets`, async ({
    browser,
  }) => {
    // A manager opens every page of every person (about thirty): give them time.
    test.setTimeout(360_000);
    const context = await signedInContext(browser, email);
    const page = await context.newPage();
    const problems: string[] = [];
    const seen = new Set<string>();
    const queue = ["/"];
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      await check(page, path, problems);
      if (path === "/") {
        // The header's menu (folded on phones and tablets) checked open as well.
        await openMenu(page);
        for (const line of await violations(page, "header")) problems.push(`${path} (menu open): ${line}`);
        for (const line of await smallTargets(page)) problems.push(`${path} (menu open): ${line}`);
      }
      for (const next of await linkedPages(page)) if (!seen.has(next)) queue.push(next);
    }
    expect(seen.size, "pages visited").toBeGreaterThan(2);
    expect(problems).toEqual([]);
    await context.close();
  });
}

test("the sign-in page and an invitation that does not exist are accessible, with 44 px targets", async ({
  browser,
}) => {
  // Signed out: a context of its own, without the fixture's sign-in.
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  for (const path of ["/sign-in", "/invitations/no-such-invitation"]) {
    await page.goto(path);
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    for (const line of await violations(page)) problems.push(`${path}: ${line}`);
    for (const line of await smallTargets(page)) problems.push(`${path}: ${line}`);
  }
  expect(problems).toEqual([]);
  await context.close();
});
