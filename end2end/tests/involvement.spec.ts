import { type Browser, type BrowserContext, type Locator, type Page, expect, test } from "@playwright/test";
import { everythingStored, goOffline, goOnline, signedInContext } from "./fixtures";

// The involvement plan: the person shapes it on a tablet, a key worker follows it on a phone,
// offline too; a relative who hasn't been shared it never receives it. Runs on the sync servers
// (one per viewport), whose demo data these tests change.

test.describe.configure({ mode: "serial" });

const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01";
const PRIYA = "/people/01930000-0000-7000-8000-000000000b03";

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
  await expect(page.getByRole("status")).toContainText("All changes saved");
}

/** Opens a block of the plan (a section to open) by its heading. */
async function openBlock(page: Page, heading: string): Promise<Locator> {
  const block = page.locator("details.block", { has: page.getByRole("heading", { name: heading, exact: true }) });
  if ((await block.getAttribute("open")) === null) await block.locator("summary").first().click();
  await expect(block).toHaveAttribute("open", "");
  return block;
}

/** Opens the card of a member of the circle by their name. */
async function openMember(page: Page, name: string): Promise<Locator> {
  await openBlock(page, "Who I want involved");
  const card = page.locator("li.member-card", { hasText: name });
  const details = card.locator("details");
  if ((await details.getAttribute("open")) === null) await card.locator("summary").click();
  return card;
}

test("the person changes who is involved and how to communicate with them, and a key worker's phone shows it", async ({
  browser,
}) => {
  const person = await device(browser, "maggie@home.example", `${MAGGIE}/involvement`);
  await expect(person.page.getByRole("heading", { level: 1 })).toHaveText("My involvement plan");
  await saved(person.page);
  const keyWorker = await device(browser, "asha@riverside.example", `${MAGGIE}/involvement`);
  await expect(keyWorker.page.getByRole("heading", { level: 1 })).toHaveText("Maggie's involvement plan");
  await saved(keyWorker.page);

  // Bernice stays in the circle but is no longer involved in the plan.
  const bernice = await openMember(person.page, "Bernice Hall");
  await bernice.getByLabel("I want them involved in my plan").uncheck();
  await expect(bernice.locator("summary")).toContainText("not involved in my plan");

  // Easy read, and a new best time of day.
  const talk = await openBlock(person.page, "How we'll communicate");
  await talk.getByLabel("Easy read").check();
  const best = talk.getByLabel("Best time of day", { exact: true });
  await best.fill("Mornings, after ten");
  await best.blur();
  await saved(person.page);

  // The key worker's phone follows without a reload: the banner at the top, and the circle.
  const banner = keyWorker.page.getByRole("complementary", { name: "Communication needs" });
  await expect(banner).toContainText("Easy read, Large print");
  await expect(banner).toContainText("Mornings, after ten");
  await expect(banner).toContainText("Speak to me, not to Ruth");
  await openBlock(keyWorker.page, "Who I want involved");
  await expect(keyWorker.page.locator("li.member-card", { hasText: "Bernice Hall" }).locator("summary")).toContainText(
    "not involved in my plan",
  );
  // And the person's page flags the same needs.
  await open(keyWorker.page, MAGGIE);
  await expect(keyWorker.page.getByRole("complementary", { name: "Communication needs" })).toContainText(
    "Mornings, after ten",
  );
  await person.context.close();
  await keyWorker.context.close();
});

test("a member added with what they help with and their boundaries is on the map, in the list and on another device", async ({
  browser,
}) => {
  const a = await device(browser, "asha@riverside.example", `${MAGGIE}/involvement`);
  await saved(a.page);
  const block = await openBlock(a.page, "Who I want involved");
  await block.getByLabel("Add someone to my circle: their name").fill("Pat Green");
  await block.getByRole("button", { name: "Add to my circle" }).click();
  const pat = await openMember(a.page, "Pat Green");
  await pat.getByLabel("Friend").check();
  await pat.getByLabel("What they help me with", { exact: true }).fill("Walks to the park on Sundays");
  const boundaries = pat.getByLabel("What they should not do for me", { exact: true });
  await boundaries.fill("Don't carry my shopping: I can manage");
  await boundaries.blur();
  await expect(pat.locator(".boundary")).toContainText("Don't carry my shopping");
  await expect(a.page.locator(".circle-map svg")).toContainText("Pat Green");
  await saved(a.page);

  const b = await device(browser, "grace@circle.example", `${MAGGIE}/involvement`);
  const onB = await openMember(b.page, "Pat Green");
  await expect(onB.locator("summary")).toContainText("Friend");
  await expect(onB.getByLabel("What they help me with", { exact: true })).toHaveValue("Walks to the park on Sundays");
  await a.context.close();
  await b.context.close();
});

test("a block edited offline reaches another device once the first is back online", async ({ browser }) => {
  const phone = await device(browser, "asha@riverside.example", `${MAGGIE}/involvement`);
  await saved(phone.page);
  await goOffline(phone.context);
  const meet = await openBlock(phone.page, "When we'll meet");
  await meet.getByLabel("Every two weeks").check();
  const notes = meet.getByLabel("About check-ins", { exact: true });
  await notes.fill("A call after each visit, offline edit");
  await notes.blur();
  await expect(phone.page.getByRole("status")).toContainText("waiting");
  // The next dates follow the new rhythm at once, on the device.
  await expect(meet.locator(".next-meetings li")).toHaveCount(4);

  const tablet = await device(browser, "grace@circle.example", `${MAGGIE}/involvement`);
  const onTablet = await openBlock(tablet.page, "When we'll meet");
  await expect(onTablet.getByLabel("About check-ins", { exact: true })).not.toHaveValue(/offline edit/);

  await goOnline(phone.context);
  await saved(phone.page);
  await expect(onTablet.getByLabel("About check-ins", { exact: true })).toHaveValue(
    "A call after each visit, offline edit",
  );
  await expect(onTablet.getByLabel("Every two weeks")).toBeChecked();
  await phone.context.close();
  await tablet.context.close();
});

test("a relative the involvement plan isn't shared with never receives it, on the page or on the device", async ({
  browser,
}) => {
  const anil = await device(browser, "anil@family.example", `${PRIYA}/involvement`);
  await expect(anil.page.getByText("hasn't shared who is involved")).toBeVisible();
  const html = await anil.page.content();
  for (const secret of ["Evenings are better than mornings", "Please don't tell our parents", "Jo Bennett"]) {
    expect(html).not.toContain(secret);
  }
  await expect(anil.page.getByRole("complementary", { name: "Communication needs" })).toHaveCount(0);
  const stored = await everythingStored(anil.page);
  expect(stored).not.toContain("Evenings are better");
  expect(stored).not.toContain("circle_member");
  // His own profile page of Priya carries no banner either.
  await open(anil.page, PRIYA);
  await expect(anil.page.getByRole("complementary", { name: "Communication needs" })).toHaveCount(0);
  await anil.context.close();
});

const DAN = "/people/01930000-0000-7000-8000-000000000b02";

test("a decision for Dan is recorded step by step, and best interests come only after consent and capacity", async ({
  browser,
}) => {
  const rm = await device(browser, "grace@circle.example", `${DAN}/decisions`);
  await saved(rm.page);
  // The demo's best-interests decision is listed with its review date.
  await expect(rm.page.locator("li.decision", { hasText: "after 11pm" }).locator("summary")).toContainText(
    "Best-interests decision",
  );
  await rm.page.getByLabel("The decision, in a sentence").fill("Whether I go to the Saturday football on my own");
  await rm.page.getByLabel("What it is about").selectOption({ label: "Daily living" });
  await rm.page.getByRole("button", { name: "Record a decision" }).click();
  const card = rm.page.locator("li.decision", { hasText: "Saturday football" });
  await card.locator("summary").click();
  // Only the consent step is there to begin with.
  await expect(card.getByRole("heading", { name: "Step 2: Capacity, for this decision at this time" })).toHaveCount(0);
  await expect(card.getByRole("heading", { name: "Step 3: Best interests" })).toHaveCount(0);
  const supported = card.getByLabel("How I was supported to decide", { exact: true });
  await supported.fill("Pictures of the ground and the bus; asked him on a Tuesday afternoon");
  await supported.blur();
  await card.getByLabel("There was real doubt about whether I could make this decision").check();
  // Capacity: four tests, one not met.
  await expect(card.getByRole("heading", { name: "Step 2: Capacity, for this decision at this time" })).toBeVisible();
  await card.getByRole("group", { name: "Could I understand the information about the decision?" }).getByLabel("Yes").check();
  await card.getByRole("group", { name: "Could I keep it in mind long enough to decide?" }).getByLabel("Yes").check();
  await card.getByRole("group", { name: "Could I use or weigh it to make the decision?" }).getByLabel("No").check();
  const evidence = card.getByLabel("Evidence: using or weighing it", { exact: true });
  await evidence.fill("Could not weigh the crowd at the end of the match");
  await evidence.blur();
  await expect(card.getByRole("heading", { name: "Step 3: Best interests" })).toHaveCount(0);
  await card.getByRole("group", { name: "Could I communicate my decision, in any way?" }).getByLabel("Yes").check();
  // Lacking capacity for this decision: the best-interests checklist.
  await expect(card.getByRole("heading", { name: "Step 3: Best interests" })).toBeVisible();
  const chosen = card.getByLabel("The least restrictive option, chosen in my best interests", { exact: true });
  await chosen.fill("Goes with Kieran, texts at half time");
  await chosen.blur();
  await card.getByLabel("Review date").fill("2027-03-01");
  await card.getByLabel("Review date").blur();
  await saved(rm.page);
  await expect(card.locator("summary")).toContainText("Best-interests decision");
  await expect(card.locator("summary")).toContainText("Review Mon 1 Mar 2027");
  // Another device has it all.
  const other = await device(browser, "tom@elmcourt.example", `${DAN}/decisions`);
  const there = other.page.locator("li.decision", { hasText: "Saturday football" });
  await there.locator("summary").click();
  await expect(there.getByLabel("The least restrictive option, chosen in my best interests", { exact: true })).toHaveValue(
    "Goes with Kieran, texts at half time",
  );
  await rm.context.close();
  await other.context.close();
});

test("a relative without the health topic never receives a health decision, on the page or on the device", async ({
  browser,
}) => {
  const ruth = await device(browser, "ruth@family.example", `${MAGGIE}/decisions`);
  await saved(ruth.page);
  expect(await ruth.page.content()).not.toContain("water tablets");
  const stored = await everythingStored(ruth.page);
  expect(stored).not.toContain("water tablets");
  // Maggie's key worker sees it.
  const asha = await device(browser, "asha@riverside.example", `${MAGGIE}/decisions`);
  await expect(asha.page.locator("li.decision", { hasText: "water tablets" })).toHaveCount(1);
  await ruth.context.close();
  await asha.context.close();
});

test("a referral shows its 48-hour clock, the advocate records their view, and the interaction log takes an entry", async ({
  browser,
}) => {
  const tom = await device(browser, "tom@elmcourt.example", `${DAN}/involvement`);
  await saved(tom.page);
  const referrals = await openBlock(tom.page, "Advocacy referrals");
  // The demo's referral: engaged the day after the trigger.
  await expect(referrals.locator("li.member-card", { hasText: "Staying out after 11pm" }).locator("summary")).toContainText(
    "Advocate engaged in 28 hours 30 minutes: on time",
  );
  // A new one starts its clock now.
  await referrals.getByLabel("A new referral: what it is about").fill("A move to a flat of his own");
  await referrals.getByRole("button", { name: "Add referral" }).click();
  await expect(referrals.locator("li.member-card", { hasText: "A move to a flat" }).locator("summary")).toContainText(
    /4[78] hours( \d+ minutes?)? left to engage an advocate/,
  );
  const log = await openBlock(tom.page, "Interaction log");
  await log.getByLabel("Log a contact: what it was about").fill("Called Carol about Sunday dinner");
  await log.getByRole("button", { name: "Add to the log" }).click();
  await expect(log.locator("li.member-card", { hasText: "Called Carol" })).toHaveCount(1);
  await saved(tom.page);

  // Lee, Dan's advocate, records his view himself.
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/involvement`);
  await saved(lee.page);
  const onLee = await openBlock(lee.page, "Advocacy referrals");
  const card = onLee.locator("li.member-card", { hasText: "A move to a flat" });
  await card.locator("summary").click();
  const view = card.getByLabel("The advocate's view, in their words", { exact: true });
  await view.fill("Dan wants to visit two flats before deciding");
  await view.blur();
  await saved(lee.page);
  const onTom = referrals.locator("li.member-card", { hasText: "A move to a flat" });
  await onTom.locator("summary").click();
  await expect(onTom.getByLabel("The advocate's view, in their words", { exact: true })).toHaveValue(
    "Dan wants to visit two flats before deciding",
  );
  await tom.context.close();
  await lee.context.close();
});

test("staff writing a deficit word get a suggestion they can dismiss, and question prompts are offered where goals are written", async ({
  browser,
}) => {
  const asha = await device(browser, "asha@riverside.example", `${MAGGIE}/plan`);
  await saved(asha.page);
  const box = asha.page.getByLabel("How best to support me", { exact: true });
  await box.click();
  await box.press("Control+End");
  await box.pressSequentially(" She wanders at night.");
  const help = asha.page.locator(".suggestions");
  await expect(help).toContainText("Instead of “wanders”, perhaps “walks with purpose”");
  // Nothing was changed for her.
  await expect(box).toHaveValue(/She wanders at night\./);
  await asha.page.getByRole("button", { name: "Dismiss the suggestion for “wanders”" }).click();
  await expect(help).toHaveCount(0);
  // The question types, offered beside the goals.
  const goals = asha.page.locator("section", { has: asha.page.getByRole("heading", { name: "My goals" }) });
  await goals.getByText("Questions that help (strengths-based)").click();
  await expect(goals.getByText("When things were going well, what was different?")).toBeVisible();
  await asha.context.close();
});
