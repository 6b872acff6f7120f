// The GraphQL over HTTP specification's own audits (the graphql-http package's serverAudits),
// run against the server: no MUST and no SHOULD may fail.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serverAudits } from "graphql-http";
import { startServer } from "./server.mjs";

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test("every MUST and SHOULD audit of graphql-http passes", async () => {
  const results = [];
  for (const audit of serverAudits({ url: `${server.url}/graphql` })) {
    const result = await audit.fn();
    results.push({ name: audit.name, ...result });
  }
  const failed = results.filter(
    (r) => r.status !== "ok" && (r.name.startsWith("MUST") || r.name.startsWith("SHOULD")),
  );
  assert.deepEqual(
    failed.map((r) => `${r.name}: ${r.reason}`),
    [],
    `${failed.length} of ${results.length} audits failed`,
  );
  assert.ok(results.length > 30, `${results.length} audits ran`);
});
