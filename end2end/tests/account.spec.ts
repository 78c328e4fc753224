import { expect, test } from "@playwright/test";
import { PASSWORD, signIn } from "./fixtures";

// Signing in, and what each member of a circle sees. Runs with JavaScript off and hydrated, on
// a phone and a tablet.

const MAGGIE = "/people/01930000-0000-7000-8000-000000000b01";
const PRIYA = "/people/01930000-0000-7000-8000-000000000b03";

test("someone signed out is sent to sign in, and a wrong password gets one plain answer", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to Circle" })).toBeVisible();
  await page.getByLabel("Email").fill("grace@circle.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That email and password don't match an account");
  await page.getByLabel("Email").fill("nobody@nowhere.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That email and password don't match an account");
  await page.getByLabel("Email").fill("grace@circle.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Your account: signed in as Grace Mensah" })).toBeVisible();
});

test("a relative sees only the person who invited them, and only what that person shares", async ({ page }) => {
  await signIn(page.context(), "ruth@family.example");
  await page.goto("/");
  const people = page.getByRole("list", { name: "People supported" });
  await expect(people.getByRole("link", { name: "Maggie", exact: true })).toBeVisible();
  await expect(people.getByRole("link")).toHaveCount(1);
  await page.goto(MAGGIE);
  await expect(page.getByRole("note")).toContainText("About me, Goals and progress, Daily living");
  // Maggie's daughter Ruth is offered to add to her mother's goals, not "my plan".
  await expect(page.getByText("My daughter Ruth")).toBeVisible();
  await expect(page.getByRole("link", { name: "Add to Maggie's goals" })).toBeVisible();
  await expect(page.getByRole("link", { name: /my plan/i })).toHaveCount(0);
  await page.goto(`${MAGGIE}/plan`);
  await expect(page.getByRole("heading", { name: "My goals" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Meetings and reviews" })).toHaveCount(0);
  const other = await page.goto(PRIYA);
  expect(other?.status()).toBe(404);
});

test("a brother shared only goals sees no About me of his sister", async ({ page }) => {
  await signIn(page.context(), "anil@family.example");
  await page.goto(`${PRIYA}/plan`);
  await expect(page.getByRole("heading", { level: 1, name: "Priya Shah's plan" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "My goals" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "About me" })).toHaveCount(0);
  await page.goto(PRIYA);
  await expect(page.getByText("Writes poetry")).toHaveCount(0);
});

test("the person is offered their own plan, and a key worker the person's plan by name", async ({ page }) => {
  await signIn(page.context(), "maggie@home.example");
  await page.goto(MAGGIE);
  await expect(page.getByRole("link", { name: "Edit my plan" })).toBeVisible();
  await expect(page.getByRole("link", { name: "My circle: who sees what" })).toBeVisible();
  await signIn(page.context(), "asha@riverside.example");
  await page.goto(MAGGIE);
  await expect(page.getByRole("link", { name: "Edit Maggie's plan" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Maggie's circle: who sees what" })).toBeVisible();
});

test("a wrong password is summarised at the top of the form with a link to the field", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("grace@circle.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  const summary = page.getByRole("alert");
  await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  await expect(summary.getByRole("link")).toHaveAttribute("href", "#email");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
});
