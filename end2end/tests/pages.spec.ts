import { expect, test } from "./fixtures";

// Run with JavaScript off and hydrated, on a phone and a tablet.

test("the home page lists the people supported, strengths first", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("3 people supported");
  const people = page.getByRole("list", { name: "People supported" });
  for (const name of ["Dan", "Maggie", "Priya Shah"]) {
    await expect(people.getByRole("link", { name, exact: true })).toBeVisible();
  }
  const maggie = page.getByRole("list", { name: "Strengths of Maggie" });
  await expect(maggie.getByRole("listitem").first()).toHaveText(
    "Knows exactly how she likes her tea and her porridge",
  );
});

test("a person's page opens from the list and leads with their strengths", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Dan", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dan" })).toBeVisible();
  const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
  expect(headings[0]).toBe("My strengths");
  await expect(page.getByText("Knows every bus route in town by heart")).toBeVisible();
  await expect(page.getByRole("heading", { name: "How best to support me" })).toBeVisible();
  await page.getByRole("link", { name: "All people" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
});

test("a search in the address shows only who matches", async ({ page }) => {
  await page.goto("/?q=poetry");
  await expect(page.getByRole("status")).toHaveText("Showing 1 of 3 people");
  await expect(page.getByRole("link", { name: "Priya Shah" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Maggie" })).toHaveCount(0);
});

test("an unknown person gets a clear message and a way back", async ({ page }) => {
  const response = await page.goto("/people/not-a-person");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("We couldn't find that record");
  await page.getByRole("link", { name: "Go to the list of people" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "People we support" })).toBeVisible();
});

test("a person's plan opens from their page, with About me and goals to edit", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Dan", exact: true }).click();
  await page.getByRole("link", { name: "Open my plan to edit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dan's plan" })).toBeVisible();
  await expect(page.getByLabel("How best to support me", { exact: true })).toHaveValue(/\S/);
  await expect(page.getByRole("heading", { name: "My goals" })).toBeVisible();
  await expect(page.getByLabel("A new goal, in my own words")).toBeVisible();
  await expect(page.getByRole("status")).toBeVisible();
});

test("the devices page explains itself when no device has synced", async ({ page }) => {
  await page.goto("/devices");
  await expect(page.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
});
