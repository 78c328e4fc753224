import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

// Adding people (one with the form, several from a CSV file), moving someone to another service
// and ending their support, on a phone and a tablet. These add people, so they run on the
// servers whose data tests change (the sync servers: see playwright.config.ts), never on the one
// whose list of people other tests count. Every test adds people of its own (names made unique
// per run), so that the demo's people, which other tests read, are never moved or ended.

const unique = () => `${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;

test("a key worker adds someone to their service and opens their empty record", async ({ page }) => {
  await signIn(page.context(), "asha@riverside.example");
  await page.goto("/");
  await page.getByRole("link", { name: "Add a person" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Add a person" })).toBeVisible();
  const name = `Samuel Lee ${unique()}`;
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Preferred name (optional)").fill(`Sam ${name.split(" ")[2]}`);
  await page.getByLabel("Pronouns (optional)").fill("they/them");
  await page.getByLabel("Date of birth (optional)").fill("1990-06-30");
  await expect(page.getByLabel("Service", { exact: true })).toHaveValue(/.+/);
  await page.getByRole("button", { name: "Add this person" }).click();
  await expect(page).toHaveURL(/\/people\/[0-9a-f-]+\?added=1$/);
  await expect(page.getByText("Added. Their About me and plan are empty")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sam");
  await expect(page.getByText("No strengths written down yet")).toBeVisible();
});

test("a form with problems comes back with every problem and what was typed", async ({ page }) => {
  await signIn(page.context(), "asha@riverside.example");
  await page.goto("/people/new");
  await page.getByLabel("Full name").fill("   ");
  await page.getByLabel("Pronouns (optional)").fill("she/her");
  await page.getByLabel("Date of birth (optional)").fill("2001-02-03");
  // The browser's own check of a required field is bypassed: the server's is what is tested.
  await page.locator("form[action='/people/add']").evaluate((form: HTMLFormElement) => {
    form.noValidate = true;
  });
  await page.getByRole("button", { name: "Add this person" }).click();
  await expect(page).toHaveURL(/\/people\/new\?problem=add$/);
  const summary = page.getByRole("alert").filter({ hasText: "There is a problem" });
  await expect(summary).toContainText("Name can't be empty");
  await expect(page.getByLabel("Pronouns (optional)")).toHaveValue("she/her");
  await expect(page.getByLabel("Date of birth (optional)")).toHaveValue("2001-02-03");
  await expect(page.getByLabel("Full name")).toHaveAttribute("aria-invalid", "true");
});

test("a CSV file with a bad row adds nobody and says which line to fix; fixed, it adds everyone", async ({ page }) => {
  await signIn(page.context());
  await page.goto("/people/new");
  const run = unique();
  const file = (rows: string) => ({
    name: "people.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`name,preferred_name,pronouns,date_of_birth\r\n${rows}`),
  });
  await page.getByLabel("CSV file").setInputFiles(file(`Ann Lee ${run},,,1950-01-01\r\n,Nobody,,\r\n`));
  await page.getByRole("button", { name: "Import people" }).click();
  await expect(page).toHaveURL(/problem=import$/);
  await expect(page.getByText("Nobody from the file was added.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Line 3: Name can't be empty" })).toBeVisible();
  await page.goto(`/?q=${run}`);
  await expect(page.getByRole("link", { name: new RegExp(`Ann Lee ${run}`) })).toHaveCount(0);

  await page.goto("/people/new");
  await page
    .getByLabel("CSV file")
    .setInputFiles(file(`Ann Lee ${run},,,1950-01-01\r\n"Stone, Robert ${run}",Bob ${run},he/him,\r\n`));
  await page.getByRole("button", { name: "Import people" }).click();
  await expect(page).toHaveURL(/imported=1$/);
  await expect(page.getByRole("heading", { name: "2 people added" })).toBeVisible();
  await page.getByRole("link", { name: `Bob ${run}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Bob ${run}` })).toBeVisible();
  await expect(page.getByText(`Stone, Robert ${run}`)).toBeVisible();
});

/** Adds someone to Riverside as the signed-in manager; the path of their page. */
async function addSomeone(page: Page, name: string): Promise<string> {
  await signIn(page.context());
  await page.goto("/people/new");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Service", { exact: true }).selectOption({ label: "Riverside Reablement" });
  await page.getByRole("button", { name: "Add this person" }).click();
  await expect(page).toHaveURL(/\?added=1$/);
  return new URL(page.url()).pathname;
}

test("a manager moves someone to another service they manage", async ({ page }) => {
  const name = `Moving Person ${unique()}`;
  const path = await addSomeone(page, name);
  await page.getByRole("link", { name: "Move or end support" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Move or end support: ${name}` })).toBeVisible();
  await page.getByLabel("Move to", { exact: true }).selectOption({ label: "Elm Court Supported Living" });
  await page.getByRole("button", { name: `Move ${name}` }).click();
  await expect(page).toHaveURL(new RegExp(`${path}\\?moved=1$`));
  await expect(page.getByText("Elm Court Supported Living")).toBeVisible();
});

test("ending support needs the tick, keeps the record to read and takes it off the list", async ({ page }) => {
  const name = `Ending Person ${unique()}`;
  const path = await addSomeone(page, name);
  await page.goto(`${path}/manage`);
  const end = page.getByRole("button", { name: "End support" });
  await expect(page.getByLabel(/I understand that/)).not.toBeChecked();
  await page.getByLabel(/I understand that/).check();
  await end.click();
  await expect(page).toHaveURL(new RegExp(`${path}\\?ended=1$`));
  await expect(page.getByRole("note").filter({ hasText: "Support ended on" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Move or end support" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Read the plan" })).toBeVisible();
  await page.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(page.getByRole("link", { name: new RegExp(name) })).toHaveCount(0);
});

test("a key worker is not offered to move or end anyone's support", async ({ page }) => {
  await signIn(page.context(), "asha@riverside.example");
  await page.goto("/people/01930000-0000-7000-8000-000000000b01");
  await expect(page.getByRole("link", { name: "Move or end support" })).toHaveCount(0);
  const response = await page.goto("/people/01930000-0000-7000-8000-000000000b01/manage");
  expect(response?.status()).toBe(403);
});
