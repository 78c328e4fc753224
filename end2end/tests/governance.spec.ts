import AxeBuilder from "@axe-core/playwright";
import { expect, openMenu, signedInContext, test } from "./fixtures";

// The governance dashboard: a registered manager finds it in the menu, chooses a service and a
// month, reads each figure as met of counted with its chart and table, and follows a figure to
// the records behind it and on to the meeting itself. Key workers are not offered it. Runs on a
// phone, a tablet and a desktop, on the demo data (read only).

const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** The month (YYYY-MM) of the day `days` before today, in the UK. */
function monthOf(daysBefore: number): string {
  const day = new Date(Date.now() - daysBefore * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit" })
    .format(day)
    .slice(0, 7);
}

test("a manager follows a figure of the governance dashboard to the records behind it and to the meeting", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "grace@circle.example");
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await openMenu(page);
  await page.getByRole("link", { name: "Governance" }).filter({ visible: true }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Governance: involvement from the records");
  // The menu folds away once a page is chosen from it.
  await expect(page.locator("details.menu[open]")).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 2, name: "Timeliness" })).toBeVisible();

  // Dan's mini-review was 12 days ago, at Elm Court; its summary has not gone.
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Elm Court Supported Living" });
  await page.getByLabel("Month", { exact: true }).selectOption(monthOf(12));
  await page.getByRole("button", { name: "Show" }).click();
  const summaries = page.getByRole("article", { name: "Summaries sent within 5 working days" });
  await expect(summaries.locator(".figure-now")).toContainText(/\d+ of \d+ \(\d+%\)/);
  await expect(summaries.getByRole("img", { name: /^Chart: Summaries sent within 5 working days/ })).toBeVisible();
  await summaries.getByText(/^The figures, month by month/).click();
  await expect(summaries.getByRole("table").getByRole("row")).toHaveCount(13);

  expect(
    (await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()).violations.map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);

  await summaries.getByRole("link", { name: /^The meetings behind it/ }).click();
  const records = page.getByRole("region", { name: /the meetings counted in/ });
  const row = records.getByRole("row", { name: /Daniel Price's meeting/ });
  await expect(row).toContainText("Elm Court Supported Living");
  await expect(row.getByRole("cell").last()).toHaveText("No");
  await row.getByRole("link", { name: "Daniel Price's meeting" }).click();
  await expect(page).toHaveURL(/\/meetings#meeting-/);
  const id = new URL(page.url()).hash.slice(1);
  await expect(page.locator(`[id="${id}"]`)).toHaveText("Friday evenings: how the check-ins went");
  await context.close();
});

test("a key worker is not offered the governance dashboard, and is told why at its address", async ({ browser }) => {
  const context = await signedInContext(browser, "asha@riverside.example");
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await openMenu(page);
  await expect(page.getByRole("link", { name: "Audit trail" }).or(page.getByRole("link", { name: "Devices" })).first()).toBeAttached();
  await expect(page.getByRole("link", { name: "Governance" })).toHaveCount(0);
  const response = await page.goto("/governance");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("for registered managers and nominated individuals")).toBeVisible();
  await context.close();
});

test("a nominated individual prints the month's report and downloads its figures for the governance meeting", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "sam@circle.example");
  const page = await context.newPage();
  const month = monthOf(12);
  await page.goto(`/governance?month=${month}`);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 2, name: "Participation" })).toBeVisible();
  const participation = page.getByRole("article", { name: "Meetings with family, a friend or an advocate taking part" });
  await expect(participation.locator(".figure-now")).toContainText(/\d+ of \d+ \(\d+%\)/);
  await expect(page.getByRole("article", { name: "Advocates engaged within 48 hours of a trigger" })).toBeVisible();

  // The figures as a spreadsheet: a row per service and all together, per figure and month.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the figures (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`circle-governance-${month}.csv`);
  const csv = await (await import("node:fs/promises")).readFile(await download.path(), "utf8");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("service,month,group,figure,met,counted,share_percent");
  expect(lines.length).toBe(1 + 4 * 12 * 12);
  expect(lines.some((l) => l.startsWith(`All services,${month},Participation,`))).toBe(true);

  // The printable report: every figure, and what did not meet its rule, linked.
  await page.getByRole("link", { name: "Printable report" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Involvement governance report: /);
  await expect(page.getByRole("heading", { level: 2, name: "Summaries sent within 5 working days" })).toBeVisible();
  const summaries = page.getByRole("region", { name: "Summaries sent within 5 working days", exact: true });
  await expect(summaries.getByRole("link", { name: "Daniel Price's meeting" })).toBeVisible();
  expect(
    (await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()).violations.map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("link", { name: "Back to the dashboard" })).toBeHidden();
  await expect(summaries).toBeVisible();
  await context.close();
});

test("a manager reads why the records scored the grid and scores a dimension with evidence", async ({ browser }, testInfo) => {
  const context = await signedInContext(browser, "grace@circle.example");
  const page = await context.newPage();
  await page.goto("/governance");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("link", { name: "Self-score grid" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Self-score grid");
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Elm Court Supported Living" });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.locator(".lead")).toContainText("Elm Court Supported Living");

  // Summaries are scored from the demo's year of reviews, with the reason.
  const summaries = page.getByRole("article", { name: /^Summaries: \d of 2$/ });
  await expect(summaries).toContainText("Scored from the records.");
  await expect(summaries).toContainText(/\d+ of \d+ summaries sent within 5 working days \(\d+%\)/);
  await expect(summaries.getByRole("button", { name: /^Save the score/ })).toHaveCount(0);

  // Training is scored by the manager, with evidence.
  const training = page.locator("#dimension-training");
  const details = training.locator("details");
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await details.locator("summary").click();
  }
  await training.getByLabel("2: Yearly, with reflective supervision").check();
  const evidence = `Training records and supervision notes checked (${testInfo.project.name})`;
  await training.getByLabel("Evidence: Training").fill(evidence);
  expect(
    (await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()).violations.map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);
  await training.getByRole("button", { name: /^Save the score\s*: Training$/ }).click();
  await expect(page.locator("main [role=status]").filter({ hasText: "Saved the score" })).toHaveText("Saved the score for Training.");
  await expect(page.getByRole("heading", { level: 2, name: "Training: 2 of 2" })).toBeVisible();
  await expect(page.locator("#dimension-training")).toContainText(evidence);
  // Eight quarters, this one first, each with its total.
  const quarters = page.getByRole("region", { name: "Quarter by quarter" }).locator("tbody tr");
  await expect(quarters).toHaveCount(8);
  await expect(quarters.first()).toContainText(/\d+ of 20/);
  await context.close();
});

test("the experience and enablement figures come from the answers given after reviews and from the outcome tracker, each traced to its records", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "sam@circle.example");
  const page = await context.newPage();
  await page.goto("/governance");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 2, name: "Experience" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Enablement" })).toBeVisible();
  const felt = page.getByRole("article", { name: "The person felt involved in the meeting" });
  await expect(felt).toContainText("“Mostly” or “Yes, very much”");
  for (const name of ["Staff prompts fewer than at the start", "Goals achieved, of the goals finished"]) {
    await expect(page.getByRole("article", { name })).toBeVisible();
  }

  // The newest month in which people answered after a review: its answers, each linked to
  // the meeting it was about.
  const rows = felt.locator("tbody tr");
  let month = "";
  for (let i = 0; i < (await rows.count()); i++) {
    const counted = Number(await rows.nth(i).locator("td").nth(1).textContent());
    if (counted > 0) {
      month = (await rows.nth(i).locator("th").textContent()) ?? "";
      break;
    }
  }
  expect(month).not.toBe("");
  await page.getByLabel("Month", { exact: true }).selectOption({ label: month });
  await page.getByRole("button", { name: "Show" }).click();
  await felt.getByRole("link", { name: /^The answers behind it/ }).click();
  const records = page.getByRole("region", { name: `The person felt involved in the meeting: the answers counted in ${month}` });
  const link = records.getByRole("link", { name: /'s answer$/ }).first();
  await link.click();
  await expect(page).toHaveURL(/\/meetings#meeting-/);
  const id = new URL(page.url()).hash.slice(1);
  await expect(page.locator(`[id="${id}"]`)).toHaveText(/'s review: /);
  await expect(page.getByRole("article", { name: /'s review: / }).filter({ has: page.locator(`[id="${id}"]`) }).locator("ul.answers")).toContainText("“");
  await context.close();
});

test("the nominated individual draws this quarter's cases at random, sees the draw checked, and records findings with follow-up actions", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "sam@circle.example");
  const page = await context.newPage();
  await page.goto("/governance");
  await page.getByRole("link", { name: "Case sampling" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Case sampling");
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Riverside Reablement" });
  await page.getByRole("button", { name: "Show" }).click();
  const now = page.getByRole("region", { name: /^This quarter: / });
  // Drawn once a quarter: another viewport's run may have drawn it already.
  const draw = now.getByRole("button", { name: /^Draw 1 case for / });
  if ((await draw.count()) > 0) {
    await draw.click();
  }
  await expect(now).toContainText("Checked: drawing again from the same seed and people gives these cases.");
  await expect(now).toContainText(/from 1 person, with the seed [0-9a-f]{16}\./);
  const maggie = now.getByRole("article", { name: "Margaret Okafor" });
  await expect(maggie.getByRole("link", { name: "Margaret Okafor" })).toHaveAttribute("href", /^\/people\//);
  if ((await maggie.locator("details[open]").count()) === 0) {
    await maggie.locator("details summary").click();
  }
  const stamp = `${test.info().project.name} ${Date.now() % 100_000}`;
  await maggie.getByLabel("What you found: Margaret Okafor").fill(`Ruth took part in every review (${stamp})`);
  await maggie.getByLabel("Follow-up actions: Margaret Okafor").fill("Send summaries within 5 working days\nAsk Ruth about the video calls");
  await maggie.getByRole("button", { name: /^Save the findings/ }).click();
  await expect(maggie.getByRole("status")).toHaveText("Saved the findings.");
  await expect(maggie).toContainText(`Ruth took part in every review (${stamp})`);
  await expect(maggie.getByRole("listitem")).toHaveText(["Send summaries within 5 working days", "Ask Ruth about the video calls"]);
  await expect(maggie).toContainText("Recorded by Sam Ellis");
  expect(
    (await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()).violations.map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);
  await context.close();
});
