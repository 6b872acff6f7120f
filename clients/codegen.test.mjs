// graphql-codegen pointed at the server's URL, as front-end projects set it up: it introspects
// the served schema (no token needed), validates the documents against it and writes types.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generate } from "@graphql-codegen/cli";
import { startServer } from "./server.mjs";

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test("graphql-codegen generates types from the server's URL", async () => {
  const [output] = await generate(
    {
      schema: `${server.url}/graphql`,
      documents: [`${import.meta.dirname}/documents/*.graphql`],
      generates: {
        "generated.ts": {
          plugins: ["typescript", "typescript-operations"],
          // The mapping the README gives for the API's scalars.
          config: { scalars: { DateTime: { input: "string", output: "string" }, JSON: "unknown" } },
        },
      },
      silent: true,
    },
    false,
  );
  const types = output.content;
  if (process.env.CODEGEN_PRINT) console.log(types);
  assert.match(types, /export type Service = Node & \{/);
  assert.match(types, /export type ServicesPageQuery = \{/);
  assert.match(types, /DateTime: \{ input: string; output: string; \}/);
  assert.match(types, /export enum Criticality \{/);
  // Descriptions reach the generated code as comments.
  assert.match(types, /One service by id; null with a NOT_FOUND error/);
});
