// GraphiQL in headless Chromium, with every outside name unresolvable: the page renders from
// the server's own assets, a query with a token returns data, the documentation explorer
// lists the types, and a subscription typed in it receives an event.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Nothing outside this machine resolves: a page that needs a CDN would stay blank.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A GraphiQL page with the token in its headers pane; every request it makes is recorded. */
async function openGraphiQL() {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  const headers = JSON.stringify({ Authorization: `Bearer ${server.token}` });
  await page.addInitScript((headers) => {
    localStorage.setItem("graphiql:headers", headers);
  }, headers);
  await page.goto(`${server.url}/graphql`, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 20_000 });
  return { page, requests };
}

async function run(page, query) {
  await page.evaluate((query) => {
    document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.setValue(query);
  }, query);
  await page.click(".graphiql-execute-button");
}

async function resultText(page, contains) {
  await page.waitForFunction(
    (contains) => document.querySelector(".result-window")?.innerText.includes(contains),
    contains,
    { timeout: 20_000 },
  );
  return page.evaluate(() => document.querySelector(".result-window").innerText);
}

test("GraphiQL renders offline and a query with the token returns data", async () => {
  const { page, requests } = await openGraphiQL();
  await run(page, "{ viewer { subject organization { name } } }");
  const text = await resultText(page, "organization");
  assert.match(text, /"subject": "demo-admin"/);
  const origin = new URL(server.url).host;
  const foreign = requests.filter((url) => new URL(url).host !== origin);
  assert.deepEqual(foreign, [], "every request goes to the server itself");
  await page.close();
});

test("the documentation explorer lists the types", async () => {
  const { page } = await openGraphiQL();
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForFunction(
    () => document.querySelector(".graphiql-doc-explorer")?.innerText.includes("Query"),
    null,
    { timeout: 20_000 },
  );
  const explorer = await page.evaluate(() => document.querySelector(".graphiql-doc-explorer").innerText);
  assert.match(explorer, /Mutation/);
  assert.match(explorer, /Subscription/);
  await page.click('.graphiql-doc-explorer a:has-text("Query")');
  await page.waitForFunction(
    () => document.querySelector(".graphiql-doc-explorer")?.innerText.includes("services"),
    null,
    { timeout: 20_000 },
  );
  await page.close();
});

test("a subscription typed in GraphiQL receives an event", async () => {
  const { page } = await openGraphiQL();
  await run(page, "subscription { auditTrailAppended { action recordType } }");
  // Give the socket a moment to subscribe, then change something over HTTP.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ query: 'mutation { updateOrganization(input: { name: "Renamed in GraphiQL" }) { organization { name } } }' }),
  });
  assert.equal(response.status, 200);
  const text = await resultText(page, "organization.update");
  assert.match(text, /"recordType": "Organization"/);
  await page.close();
});
