import { expect, test } from "@playwright/test";

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
