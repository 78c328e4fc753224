import { type Browser, type BrowserContext, type Page, expect, test } from "@playwright/test";
import { MAILBOX, everythingStored, goOffline, goOnline, signedInContext } from "./fixtures";

// Reviews and meetings: a key worker books the next review the plan's rhythm asks for, writes
// its agenda with a decision to make and marks it sent; the key worker and the advocate write
// the meeting's notes at the same moment and both keep their words; the summary a relative
// reads holds only what is shared with them. Runs on the sync servers (one per viewport),
// whose demo data these tests change.

test.describe.configure({ mode: "serial" });

const DAN = "/people/01930000-0000-7000-8000-000000000b02";
const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01";

async function device(browser: Browser, email: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await signedInContext(browser, email);
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  return { context, page };
}

async function saved(page: Page) {
  await expect(page.getByRole("status").filter({ hasText: /changes saved|waiting|Offline/ }).first()).toContainText(
    "All changes saved",
    { timeout: 20_000 },
  );
}

/** A meeting made for this try (a retry runs on the same server), by the key worker. */
async function newMeeting(page: Page, title: string) {
  await page.getByLabel("A new meeting: what it is for").fill(title);
  await page.getByRole("button", { name: "Add meeting" }).click();
  return page.getByRole("article", { name: title });
}

test("a key worker books the next review from the plan's rhythm, writes its agenda with a decision to make and marks it sent", async ({
  browser,
}) => {
  const tom = await device(browser, "tom@elmcourt.example", `${DAN}/meetings`);
  await expect(tom.page.getByRole("heading", { level: 1 })).toHaveText("Dan's meetings and reviews");
  // The rhythm of Dan's involvement plan proposes what comes next; one tap books it.
  const coming = tom.page.getByRole("region", { name: "Coming up" });
  const book = coming.getByRole("button", { name: /^Book: / }).first();
  const label = (await book.getAttribute("aria-label")) ?? "";
  const kind = label.replace(/^Book: /, "").split(":")[0];
  await book.click();
  await expect(coming.getByRole("button", { name: label })).toHaveCount(0);
  const booked = tom.page.getByRole("article", { name: kind }).first();
  await expect(booked).toContainText(/usually \d+/);

  // A meeting of our own for the rest (a retry runs on the same server).
  const title = `Review of evenings out ${Date.now() % 100_000}`;
  const meeting = await newMeeting(tom.page, title);
  // Four days from now, at two in the afternoon: the agenda is due out today or tomorrow.
  const day = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
  await meeting.getByLabel("Starts at").fill(`${day}T14:00`);
  await expect(meeting.locator("ul.clocks")).toContainText("Send the agenda by");
  await meeting.getByLabel("Agenda (one item a line)").fill("How the evenings went\nWhat Dan wants next");
  await meeting.getByLabel("Decisions to make (one a line)").fill("Whether Dan gets the late bus alone");
  await meeting.getByLabel("Agenda (one item a line)").focus();
  const agenda = meeting.getByRole("region", { name: `Agenda: ${title}` });
  await expect(agenda.locator("mark")).toHaveText("Whether Dan gets the late bus alone");
  await expect(agenda.getByRole("listitem").filter({ hasText: "What Dan wants next" })).toHaveCount(1);
  await meeting.getByRole("button", { name: /^The agenda was sent today/ }).click();
  await expect(meeting.locator("ul.clocks")).toContainText("Agenda sent");
  // An action, owned by whoever wrote it until someone else takes it on.
  await meeting.getByLabel("A new action: what will be done").fill("Ask the bus company about the late service");
  await meeting.getByRole("button", { name: "Add action" }).click();
  await expect(meeting.getByRole("region", { name: `Actions: ${title}` })).toContainText("Ask the bus company");
  await saved(tom.page);
  await tom.context.close();
});

test("the key worker and the advocate write a meeting's notes at the same moment and both keep their words", async ({
  browser,
}) => {
  const tom = await device(browser, "tom@elmcourt.example", `${DAN}/meetings`);
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/meetings`);
  const title = `Mini-review ${Date.now() % 100_000}`;
  await newMeeting(tom.page, title);
  const notes = (page: Page) => page.getByLabel(`Notes: ${title}`);
  await expect(notes(lee.page)).toBeEditable({ timeout: 20_000 });
  await expect(notes(tom.page)).toBeEditable();
  await notes(lee.page).pressSequentially("Dan wants to go to the gig.");
  await expect(notes(tom.page)).toHaveValue("Dan wants to go to the gig.");

  await notes(lee.page).focus();
  await lee.page.evaluate(() => {
    const box = document.activeElement as HTMLTextAreaElement;
    box.setSelectionRange(box.value.length, box.value.length);
  });
  await notes(tom.page).focus();
  await tom.page.evaluate(() => (document.activeElement as HTMLTextAreaElement).setSelectionRange(0, 0));
  await Promise.all([
    lee.page.keyboard.type(" He'd like Sam to come.", { delay: 40 }),
    tom.page.keyboard.type("Agreed: ", { delay: 40 }),
  ]);
  for (const page of [lee.page, tom.page]) {
    await expect(notes(page)).toHaveValue("Agreed: Dan wants to go to the gig. He'd like Sam to come.", {
      timeout: 10_000,
    });
  }
  // The advocate's view has a place of its own.
  const meeting = lee.page.getByRole("article", { name: title });
  await meeting.getByLabel("The advocate's view, in their words").fill("Dan was clear: he wants to try it.");
  await meeting.getByLabel("Agenda (one item a line)").focus();
  await saved(lee.page);
  await expect(tom.page.getByRole("article", { name: title }).getByLabel("The advocate's view, in their words")).toHaveValue(
    "Dan was clear: he wants to try it.",
    { timeout: 10_000 },
  );
  await tom.context.close();
  await lee.context.close();
});

test("a relative reads the summary only of what is shared with them, and keeps nothing of meetings that are not", async ({
  browser,
}) => {
  // Lee, Dan's advocate, is shared Dan's meetings: the summary lists the actions.
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/meetings`);
  const meeting = lee.page.getByRole("article", { name: /^Review of evenings out/ }).first();
  await meeting.getByText("The summary, in plain English").click();
  await expect(meeting.locator("details.summary")).toContainText("Ask the bus company about the late service");
  await lee.context.close();

  // Ruth, Maggie's daughter, is not shared Maggie's meetings: nothing of them reaches her.
  const asha = await device(browser, "asha@riverside.example", `${MAGGIE}/meetings`);
  const secret = `Talk about the care home visit ${Date.now() % 100_000}`;
  await newMeeting(asha.page, secret);
  await saved(asha.page);
  const ruth = await device(browser, "ruth@family.example", `${MAGGIE}/meetings`);
  await saved(ruth.page);
  await expect(ruth.page.getByText("hasn't shared their meetings and reviews with you")).toBeVisible();
  expect(await ruth.page.content()).not.toContain(secret);
  expect(await everythingStored(ruth.page)).not.toContain(secret);
  await asha.context.close();
  await ruth.context.close();
});

test("the key worker emails the summary: each person in the circle gets their own copy, and the meeting shows who was sent it and when", async ({
  browser,
}) => {
  const asha = await device(browser, "asha@riverside.example", `${MAGGIE}/meetings`);
  const title = `Visits review ${Date.now() % 100_000}`;
  const meeting = await newMeeting(asha.page, title);
  // Held this morning: the summary's 5-working-day clock has started.
  const today = new Date().toISOString().slice(0, 10);
  await meeting.getByLabel("Starts at").fill(`${today}T09:00`);
  await meeting.getByLabel("Decisions to make (one a line)").fill("Whether visits move to the afternoon");
  await meeting.getByLabel("Agenda (one item a line)").focus();
  await expect(meeting.locator("ul.clocks")).toContainText("Summary due");
  await saved(asha.page);
  const email = meeting.getByRole("region", { name: `Email: ${title}` });
  await expect(email).toContainText("Each person in the circle gets their own copy");
  await email.getByRole("button", { name: "Email the summary" }).click();
  // Maggie reads her meetings; Ruth is not shared them, so she is sent nothing and we are told.
  await expect(email.getByRole("status")).toContainText("Summary is on its way to Maggie Okafor.");
  await expect(email.getByRole("status")).toContainText(
    "Not sent to Ruth Okafor: meetings and reviews are not shared with them.",
  );
  await expect(email.getByRole("listitem").filter({ hasText: "Summary to Maggie Okafor: Sent" })).toHaveCount(1, {
    timeout: 20_000,
  });
  // The summary's clock counts it as sent, to whom the record says.
  await expect(meeting.locator("ul.clocks")).toContainText("Summary done on time");
  await expect(meeting.getByLabel("Summary sent to (one a line)")).toHaveValue("Maggie Okafor");

  // The letter reached the relay: plain text and HTML, to Maggie alone.
  const letters: { to: string[]; data: string }[] = await (await fetch(MAILBOX)).json();
  const mine = letters.filter((l) => l.data.includes(title));
  expect(mine.map((l) => l.to)).toEqual([["maggie@home.example"]]);
  expect(mine[0].data).toContain("Content-Type: text/plain");
  expect(mine[0].data).toContain("Content-Type: text/html");
  expect(mine[0].data).toContain("Whether visits move to the afternoon");
  await asha.context.close();

  // An advocate reads Dan's meetings but does not send his documents: no Email section.
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/meetings`);
  await expect(lee.page.getByRole("article").first()).toBeVisible();
  await expect(lee.page.getByRole("region", { name: /^Email: / })).toHaveCount(0);
  await lee.context.close();
});

test("Dan's complex review runs end to end on two devices: the clocks show what is late, the agenda goes out, the record is written together, the decision steps run in the meeting, and each gets their own summary", async ({
  browser,
}) => {
  const title = "Late evenings out: the decision";
  const grace = await device(browser, "grace@circle.example", `${DAN}/meetings`);
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/meetings`);
  const g = grace.page.getByRole("article", { name: title });
  const l = lee.page.getByRole("article", { name: title });
  await expect(g).toContainText("Complex review (usually 60 minutes)");

  // What is late: the last mini-review's summary, and an action agreed at it.
  const mini = grace.page.getByRole("article", { name: "Friday evenings: how the check-ins went" });
  await expect(mini.locator("ul.clocks li.late")).toContainText(/Summary \d+ working days? late/);
  await expect(grace.page.getByRole("region", { name: "Actions overdue" })).toContainText(
    "Ask the bus company about the late service on Fridays",
  );

  // The agenda, with the decision to make marked, goes to the circle by email.
  await expect(g.getByRole("region", { name: `Agenda: ${title}` }).locator("mark")).toHaveText(
    "Whether Dan stays out until midnight on Fridays and Saturdays",
  );
  const email = g.getByRole("region", { name: `Email: ${title}` });
  await email.getByRole("button", { name: "Email the agenda" }).click();
  await expect(email.getByRole("status")).toContainText("Agenda is on its way to Lee Morgan.");
  await expect(g.locator("ul.clocks")).toContainText(/Agenda sent/);

  // The live record: the advocate writes their view on their own device; the chair sees it.
  const view = `Dan has been clear for months: he wants the late quiz. ${Date.now() % 100_000}`;
  await l.getByLabel("The advocate's view, in their words").fill(view);
  await l.getByLabel("Where (or how to join)").focus();
  await expect(g.getByLabel("The advocate's view, in their words")).toHaveValue(view, { timeout: 15_000 });

  // The decision steps run in the meeting, on Dan's decision record: for those who may read
  // its topic (daily living). Lee is not shared it, so sees no steps.
  await expect(g.getByText("Decide in the meeting: Whether I stay out after 11pm on Fridays and Saturdays")).toBeVisible();
  await expect(g.getByRole("region", { name: "Step 3: best interests" })).toBeVisible();
  await expect(l.getByText(/^Decide in the meeting/)).toHaveCount(0);

  // An action, then the meeting is held.
  const action = `Book the Friday taxi ${Date.now() % 100_000}`;
  await g.getByLabel("A new action: what will be done").fill(action);
  await g.getByRole("button", { name: "Add action" }).click();
  await g.getByRole("group", { name: "Status" }).getByRole("radio", { name: "Held" }).check();
  await saved(grace.page);

  // The summary: Lee's copy by email, and the summary each reads on screen holds what they may.
  await email.getByRole("button", { name: "Email the summary" }).click();
  await expect(email.getByRole("status")).toContainText("Summary is on its way to Lee Morgan.");
  await expect(g.locator("ul.clocks")).toContainText("Summary done on time");
  const letters: { to: string[]; data: string }[] = await (await fetch(MAILBOX)).json();
  const summary = letters.filter((m) => m.to.includes("lee@advocacy.example") && m.data.includes(action));
  expect(summary.length).toBeGreaterThan(0);
  expect(summary[0].data).not.toContain("Out until midnight with a text check-in");

  await g.getByText("The summary, in plain English").click();
  await expect(g.locator("details.summary")).toContainText(action);
  await expect(g.locator("details.summary")).toContainText("in Dan's best interests");
  await l.getByText("The summary, in plain English").click();
  await expect(l.locator("details.summary")).toContainText(action, { timeout: 15_000 });
  await expect(l.locator("details.summary")).not.toContainText("in Dan's best interests");
  await grace.context.close();
  await lee.context.close();
});

test("after a review the advocate answers “I feel involved” with a face, offline, and may change it; the key worker reads it and records a relative's answer", async ({
  browser,
}) => {
  const lee = await device(browser, "lee@advocacy.example", `${DAN}/meetings`);
  // Dan's reviews of the past year, the newest first among them.
  const review = lee.page.getByRole("article", { name: /^Dan's review: / }).first();
  const title = (await review.locator("h3[id^='meeting-']").textContent()) ?? "";
  const asked = review.getByRole("form", { name: `I feel involved: ${title}` });
  await expect(asked).toContainText("Did you feel involved in this meeting?");
  // Dan's own answer, recorded after the review, is already there.
  await expect(review.locator("ul.answers")).toContainText("Dan: “");

  await goOffline(lee.context);
  await asked.getByRole("radio", { name: "Mostly" }).check();
  await asked.getByLabel(/^Anything else to say/).fill("Dan chaired <b>the</b> meeting himself");
  await asked.getByRole("button", { name: /^(Save the answer|Change my answer)$/ }).click();
  await expect(asked.getByRole("status")).toHaveText("Thank you. Your answer is saved: “Mostly”.");
  const answers = review.locator("ul.answers");
  await expect(answers).toContainText("Lee Morgan: “Mostly”. Dan chaired <b>the</b> meeting himself");
  await goOnline(lee.context);
  await saved(lee.page);

  // Back later, the answer is theirs to change; still one answer from Lee.
  await lee.page.reload();
  await expect(lee.page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(asked.getByRole("radio", { name: "Mostly" })).toBeChecked();
  await asked.getByRole("radio", { name: "Yes, very much" }).check();
  await asked.getByRole("button", { name: "Change my answer" }).click();
  await expect(answers.getByText(/^Lee Morgan:/)).toHaveCount(1);
  await expect(answers).toContainText("Lee Morgan: “Yes, very much”");
  await saved(lee.page);

  // The key worker reads it, and records Dan's mum's answer given on the phone (named for this
  // run: every project's run records one on the same server).
  const mum = `Carol Walsh (${test.info().project.name}, ${test.info().retry})`;
  const tom = await device(browser, "tom@elmcourt.example", `${DAN}/meetings`);
  const same = tom.page.getByRole("article", { name: title });
  await expect(same.locator("ul.answers")).toContainText("Lee Morgan: “Yes, very much”. Dan chaired <b>the</b> meeting himself");
  const theirs = same.getByRole("form", { name: `I feel involved: ${title}` });
  await expect(theirs).toContainText("Did they feel involved in this meeting?");
  await theirs.getByLabel("Whose answer").selectOption({ label: "Someone in their circle" });
  await theirs.getByLabel("Their name").fill(mum);
  await theirs.getByRole("radio", { name: "A bit" }).check();
  await theirs.getByRole("button", { name: "Save the answer" }).click();
  await expect(theirs.getByRole("status")).toContainText("Saved: “A bit”.");
  await expect(same.locator("ul.answers")).toContainText(`${mum}: “A bit”`);
  // The form is ready for the next person's answer.
  await expect(theirs.getByRole("radio", { name: "A bit" })).not.toBeChecked();
  await expect(theirs.getByLabel("Their name")).toHaveValue("");
  await saved(tom.page);

  // Recorded against the wrong meeting: the key worker takes it back, and may bring it back.
  // Only answers they recorded offer it, not Lee's.
  await expect(same.getByRole("button", { name: "Remove this answer: Lee Morgan" })).toHaveCount(0);
  await same.getByRole("button", { name: `Remove this answer: ${mum}` }).click();
  await expect(same.locator("ul.answers")).not.toContainText(mum);
  const removed = same.getByRole("status").filter({ hasText: `Removed ${mum}'s answer` });
  await expect(removed).toContainText("It is no longer counted.");
  await removed.getByRole("button", { name: "Bring it back" }).click();
  await expect(same.locator("ul.answers")).toContainText(`${mum}: “A bit”`);
  await same.getByRole("button", { name: `Remove this answer: ${mum}` }).click();
  await expect(same.locator("ul.answers")).not.toContainText(mum);
  await saved(tom.page);
  // Lee's device no longer shows it either.
  await lee.page.reload();
  await expect(lee.page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(answers).toContainText("Lee Morgan: “Yes, very much”");
  await expect(answers).not.toContainText(mum);
  await lee.context.close();
  await tom.context.close();
});
