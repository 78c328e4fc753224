import { expect, test } from "./fixtures";

// Hydrated: the page becomes interactive without reloading.

test("once hydrated, the list filters as you type", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  const find = page.getByLabel("Find a person");
  await find.pressSequentially("bus");
  await expect(page.getByRole("status")).toHaveText("Showing 1 of 3 people");
  await expect(page.getByRole("link", { name: "Dan", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Maggie" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/); // no round trip to the server
  await find.fill("nobody here");
  await expect(page.getByRole("status")).toHaveText(
    "No one matches “nobody here”. Try part of a name or a strength.",
  );
  await find.fill("");
  await expect(page.getByRole("status")).toHaveText("3 people supported");
});
