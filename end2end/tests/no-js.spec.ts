import { expect, test } from "./fixtures";

// JavaScript off: the search box is a plain form the server answers.

test("without JavaScript, Find sends the search to the server", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Find a person").fill("drums");
  await expect(page.getByRole("status")).toHaveText("3 people supported");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page).toHaveURL(/\?q=drums$/);
  await expect(page.getByRole("status")).toHaveText("Showing 1 of 3 people");
  await expect(page.getByRole("link", { name: "Dan", exact: true })).toBeVisible();
  await expect(page.getByLabel("Find a person")).toHaveValue("drums");
});

test("without JavaScript, a plan reads as the server holds it and says editing needs JavaScript", async ({ page }) => {
  await page.goto("/people/01930000-0000-7000-8000-000000000b02/plan");
  await expect(page.getByRole("heading", { level: 1, name: "Dan's plan" })).toBeVisible();
  await expect(page.getByText("Editing needs JavaScript")).toBeVisible();
});
