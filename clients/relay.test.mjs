// relay-compiler over the checked-in schema.graphql (the operations in relay/), then
// relay-runtime against the server: a connection page normalized into the store, and a
// `node` refetch that lands on the same record.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { startServer } from "./server.mjs";

const require = createRequire(import.meta.url);
const { Environment, Network, RecordSource, Store, fetchQuery } = require("relay-runtime");

let server;
let environment;

before(async () => {
  // Fails when schema.graphql does not hold what the operations ask for.
  execFileSync(require.resolve("relay-compiler/cli.js"), { cwd: import.meta.dirname, stdio: "pipe" });
  server = await startServer();
  const network = Network.create(async (operation, variables) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ query: operation.text, variables }),
    });
    return response.json();
  });
  environment = new Environment({ network, store: new Store(new RecordSource()) });
});

after(async () => {
  await server?.stop();
});

test("relay-runtime reads a connection page and refetches a node into the same record", async () => {
  const ServicesQuery = require("./relay/__generated__/queriesServicesQuery.graphql.js");
  const NodeQuery = require("./relay/__generated__/queriesNodeQuery.graphql.js");
  const page = await fetchQuery(environment, ServicesQuery, { first: 3 }).toPromise();
  assert.equal(page.services.edges.length, 3);
  const service = page.services.edges[0].node;
  assert.ok(service.id && service.name);
  const refetched = await fetchQuery(environment, NodeQuery, { id: service.id }).toPromise();
  assert.equal(refetched.node.id, service.id);
  assert.equal(refetched.node.name, service.name);
  const record = environment.getStore().getSource().get(service.id);
  assert.equal(record.name, service.name, "one record in the store, by its global id");
});
