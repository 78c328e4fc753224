import { type Browser, type BrowserContext, type Page, expect, test } from "@playwright/test";
import { everythingStored, goOffline, goOnline, keptOffline, signedInContext, storedKeys } from "./fixtures";

// The outcome tracker: a key worker on shift records today's progress on a phone with no signal
// in three taps, and the chart, figures and summary on another device show it once the phone is
// back; a relative who is no longer shared goals and progress receives no observation, on the
// screen or in the browser's storage. Runs on the sync servers (one per viewport), whose demo
// data these tests change.

test.describe.configure({ mode: "serial" });

const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01";
const PRIYA = "/people/01930000-0000-7000-8000-000000000b03";
const PRIYA_ID = "01930000-0000-7000-8000-000000000b03";

async function device(browser: Browser, email: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await signedInContext(browser, email);
  const page = await context.newPage();
  await open(page, path);
  return { context, page };
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

async function saved(page: Page) {
  await expect(page.getByRole("status").filter({ hasText: /changes saved|waiting|Offline/ }).first()).toContainText(
    "All changes saved",
    { timeout: 20_000 },
  );
}

test("the demo shows each goal's measures with months of observations from three voices", async ({ browser }) => {
  const { context, page } = await device(browser, "asha@riverside.example", `${MAGGIE}/progress`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Maggie's goals and progress");
  const prompts = page.getByRole("region", { name: /^Prompts needed/ }).first();
  await expect(prompts.locator(".measure-summary")).toContainText(/Prompts needed: 3 → 1 since/);
  // The chart draws every voice with its own shape, and says whose each is.
  const chart = prompts.getByRole("img", { name: /^Chart: Prompts needed/ });
  await expect(chart.locator(".voice-person")).toHaveCount(1);
  await expect(chart.locator(".voice-member")).toHaveCount(1);
  await expect(chart.locator(".voice-staff")).toHaveCount(1);
  await expect(prompts.locator("ul.legend")).toContainText("Maggie (circle)");
  await expect(prompts.locator("ul.legend")).toContainText("Staff (triangle)");
  // The same figures as a table, one row a week, six months and more of them.
  await prompts.getByText(/^The figures, week by week/).click();
  expect(await prompts.locator("table tbody tr").count()).toBeGreaterThanOrEqual(26);
  await context.close();
});

test("a page that does not show observations is sent without them, and the device pulls them once it is up", async ({
  browser,
}) => {
  const { context, page } = await device(browser, "asha@riverside.example", `${MAGGIE}/plan`);
  const sent = await (await context.request.get(`${MAGGIE}/plan`)).text();
  expect(sent).toContain("Maggie");
  expect(sent).not.toContain("observed_on");
  await saved(page);
  const observationsKept = async () =>
    (await storedKeys(page)).filter((k) => k.startsWith("r.01930000-0000-7000-8000-000000000b01.observation.")).length;
  await expect.poll(observationsKept, { timeout: 20_000 }).toBeGreaterThan(100);
  await context.close();
});

test("the tracker is sent each measure's figures worked out rather than every observation, and reads the same once the device holds them", async ({
  browser,
}) => {
  const context = await signedInContext(browser, "asha@riverside.example");
  const sent = await (await context.request.get(`${MAGGIE}/progress`)).text();
  expect(sent).toContain("Prompts needed: 3 → 1 since");
  expect(sent).not.toContain("observed_on");
  // The device's first pull is held back: the page hydrates from the figures alone.
  const page = await context.newPage();
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  // Every pull waits until released (the handler stays: removing it would hand the pull
  // it holds to the network behind its back).
  await context.route("**/api/sync/pull", async (route) => {
    await held;
    await route.continue();
  });
  await open(page, `${MAGGIE}/progress`);
  const prompts = page.getByRole("region", { name: /^Prompts needed/ }).first();
  const summary = (await prompts.locator(".measure-summary").textContent()) ?? "";
  expect(summary).toMatch(/Prompts needed: 3 → 1 since/);
  const chart = prompts.getByRole("img", { name: /^Chart: Prompts needed/ });
  await expect(chart.locator(".voice-staff")).toHaveCount(1);
  const latest = await prompts.locator(".recent li").allTextContents();
  expect(latest).toHaveLength(3);
  await prompts.getByText(/^The figures, week by week/).click();
  const weeks = await prompts.locator("table tbody tr").count();
  expect(weeks).toBeGreaterThanOrEqual(26);
  // Recorded before the observations arrive: listed among the newest at once.
  const form = page.getByRole("form", { name: /^Record: Prompts needed/ }).first();
  await form.getByRole("radio", { name: "4", exact: true }).click();
  await form.getByRole("button", { name: /^Save/ }).click();
  await expect(form.getByRole("status")).toContainText("Saved: 4 on");
  await expect(prompts.locator(".recent li").first()).toContainText("4 — Staff (Asha Patel)");
  // Then the device pulls every observation, and works the figures out itself.
  release();
  await saved(page);
  const observationsKept = async () =>
    (await storedKeys(page)).filter((k) => k.startsWith("r.01930000-0000-7000-8000-000000000b01.observation.")).length;
  await expect.poll(observationsKept, { timeout: 20_000 }).toBeGreaterThan(100);
  await expect(prompts.locator(".recent li").first()).toContainText("4 — Staff (Asha Patel)");
  await expect(prompts.locator(".recent li")).toHaveCount(3);
  await expect(prompts.locator(".measure-summary")).toContainText("Prompts needed:");
  await expect(prompts.locator("table tbody tr")).toHaveCount(weeks);
  await context.close();
});

test("a key worker records today's observation on a phone with no signal in three taps, and another device shows it after reconnecting", async ({
  browser,
}) => {
  const phone = await device(browser, "asha@riverside.example", `${MAGGIE}/progress`);
  await keptOffline(phone.page);
  await open(phone.page, MAGGIE);
  await keptOffline(phone.page);
  const tablet = await device(browser, "ruth@family.example", `${MAGGIE}/progress`);
  await saved(tablet.page);

  await goOffline(phone.context);
  // One: from the person's page.
  await phone.page.getByRole("link", { name: "Record progress" }).click();
  const form = phone.page.getByRole("form", { name: /^Record: Prompts needed/ }).first();
  // Two: a value.
  await form.getByRole("radio", { name: "5", exact: true }).click();
  // Three: Save.
  await form.getByRole("button", { name: /^Save/ }).click();
  await expect(form.getByRole("status")).toContainText("Saved: 5 on");
  await expect(phone.page.getByRole("status").filter({ hasText: "waiting" }).first()).toContainText("1 edit waiting");

  await goOnline(phone.context);
  await saved(phone.page);
  // Ruth's tablet shows it without a reload: the newest observation, by whom, and in the chart's
  // figures for this week.
  const prompts = tablet.page.getByRole("region", { name: /^Prompts needed/ }).first();
  await expect(prompts.locator(".recent li").first()).toContainText("5 — Staff (Asha Patel)", { timeout: 20_000 });
  await expect(prompts.locator(".measure-summary")).toContainText("Prompts needed:");
  await phone.context.close();
  await tablet.context.close();
});

test("a relative no longer shared goals and progress receives no observation, on the screen or in storage", async ({
  browser,
}) => {
  const anil = await device(browser, "anil@family.example", `${PRIYA}/progress`);
  await saved(anil.page);
  await expect(anil.page.getByRole("heading", { level: 1 })).toHaveText("Priya Shah's goals and progress");
  const observationsKept = async () =>
    (await storedKeys(anil.page)).filter((k) => k.startsWith(`r.${PRIYA_ID}.observation.`)).length;
  await expect.poll(observationsKept).toBeGreaterThan(100);
  // Anil records his own view: it is his.
  const form = anil.page.getByRole("form", { name: /^Record: Confidence/ }).first();
  await form.getByRole("radio", { name: "4 Confident", exact: true }).click();
  await form.getByRole("button", { name: /^Save/ }).click();
  await expect(form.getByRole("status")).toContainText("Saved: 4 of 5");
  await saved(anil.page);

  // Priya tells Jo she wants her goals kept to herself for now.
  const jo = await device(browser, "jo@northgate.example", `${PRIYA}/circle`);
  const share = async (on: boolean) => {
    const tick = jo.page.getByRole("group", { name: "Anil Shah (Family or friend)" }).getByLabel(/^Goals and progress/);
    if (on) await tick.check();
    else await tick.uncheck();
    await jo.page
      .getByRole("region", { name: "Who sees what" })
      .getByLabel("On what basis are you recording this?")
      .fill("Priya asked me today");
    await jo.page.getByRole("button", { name: "Save who sees what" }).click();
    await expect(jo.page.getByRole("status")).toContainText("1 change(s)");
  };
  await share(false);

  await expect.poll(observationsKept, { timeout: 30_000 }).toBe(0);
  expect(await everythingStored(anil.page)).not.toContain('\\"kind\\":\\"observation\\"');
  await expect(anil.page.getByText("hasn't shared their goals and progress with you")).toBeVisible();
  await expect(anil.page.locator("figure.chart")).toHaveCount(0);
  await anil.page.reload();
  await expect(anil.page.locator("figure.chart")).toHaveCount(0);
  expect(await anil.page.content()).not.toContain("observation");
  expect(await observationsKept()).toBe(0);
  expect(await everythingStored(anil.page)).not.toContain("observed_on");

  // As it was, for the tests after this one.
  await open(jo.page, `${PRIYA}/circle`);
  await share(true);
  await anil.context.close();
  await jo.context.close();
});
