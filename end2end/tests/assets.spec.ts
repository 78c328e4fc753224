import { test, expect } from "@playwright/test";

// What a phone on a weak signal downloads: the app's own files, compressed, named by content
// (so a deployment never serves a stale copy) and kept by the browser for good.
test("the app's files are served compressed, named by content and kept for good", async ({ page, request }) => {
  await page.goto("/sign-in");
  const files = await page.evaluate(() =>
    [...document.querySelectorAll("link[rel=modulepreload], link[rel=preload], link[rel=stylesheet]")]
      .map((link) => link.getAttribute("href") ?? "")
      .filter((href) => href.startsWith("/pkg/")),
  );
  for (const kind of ["js", "wasm", "css"]) {
    expect(files, `a ${kind} file named by its content`).toContainEqual(
      expect.stringMatching(new RegExp(`^/pkg/circle\\.[A-Za-z0-9_-]{16,}\\.${kind}$`)),
    );
  }
  for (const [encoding, name] of [["br", "br"], ["gzip", "gzip"]]) {
    for (const file of files) {
      const response = await request.get(file, { headers: { "accept-encoding": encoding } });
      expect(response.status(), file).toBe(200);
      expect(response.headers()["content-encoding"], `${file} as ${name}`).toBe(name);
      expect(response.headers()["cache-control"], file).toContain("immutable");
      expect(response.headers()["vary"], file).toContain("accept-encoding");
    }
  }
  const wasm = files.find((f) => f.endsWith(".wasm"))!;
  const plain = await request.get(wasm, { headers: { "accept-encoding": "identity" } });
  const br = await request.get(wasm, { headers: { "accept-encoding": "br" } });
  expect(Number(br.headers()["content-length"])).toBeLessThan(Number(plain.headers()["content-length"]) / 2);

  const worker = await (await request.get("/sw.js")).text();
  for (const file of files) expect(worker, `the service worker keeps ${file}`).toContain(`"${file}"`);
});

// wasm-split keeps all constant data in the frame when it cannot lay it out part by part (see
// SPLIT_LAYOUT_SLACK in app/src/lib.rs): the frame then carries the plan editor's words, 20 KiB
// brotli more on every first visit. The records engine's words come with the plan editor (in
// its part, or the chunks it shares with the involvement plan's).
test("the app's frame leaves out the words only the plan editor uses, which come with the editor", async ({
  page,
  request,
}) => {
  const words = Buffer.from("belongs to nothing else");
  await page.goto("/sign-in");
  const frame = await page.evaluate(() =>
    [...document.querySelectorAll("link[rel=preload]")]
      .map((link) => link.getAttribute("href") ?? "")
      .find((href) => /^\/pkg\/circle\.[A-Za-z0-9_-]{16,}\.wasm$/.test(href)),
  );
  expect(frame, "the frame's wasm").toBeTruthy();
  const plain = { headers: { "accept-encoding": "identity" } };
  expect((await (await request.get(frame!, plain)).body()).includes(words)).toBe(false);

  // The plan editor's part is its own file and the chunks of code it shares with other parts
  // (the involvement plan's), as wasm-split's manifest lists them.
  const worker = await (await request.get("/sw.js")).text();
  const manifest = worker.match(/"(\/pkg\/__wasm_split_manifest\.[^"]+\.json)"/)?.[1];
  expect(manifest, "the split build's manifest").toBeTruthy();
  const groups: Record<string, string[]> = await (await request.get(manifest!)).json();
  const plan = Object.entries(groups).find(([group]) => group.startsWith("plan_"))?.[1] ?? [];
  const parts = plan.map((name) => `/pkg/${name}.wasm`);
  expect(parts.length, "the plan editor's part").toBeGreaterThan(0);
  const held = await Promise.all(parts.map(async (part) => (await (await request.get(part, plain)).body()).includes(words)));
  expect(held).toContain(true);
});
