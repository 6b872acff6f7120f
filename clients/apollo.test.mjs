// Apollo Client 3 as front ends use it: InMemoryCache with relayStylePagination over HTTP,
// `node` refetches normalized into the cache, request errors readable as GraphQL errors, and a
// subscription through GraphQLWsLink.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import apollo from "@apollo/client/core/core.cjs";
import utilities from "@apollo/client/utilities/utilities.cjs";
import subscriptions from "@apollo/client/link/subscriptions/subscriptions.cjs";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { startServer } from "./server.mjs";

const { ApolloClient, InMemoryCache, HttpLink, gql, split } = apollo;
const { relayStylePagination, getMainDefinition } = utilities;
const { GraphQLWsLink } = subscriptions;

let server;
let client;
let wsClient;

before(async () => {
  server = await startServer();
  const authorization = `Bearer ${server.token}`;
  wsClient = createClient({
    url: `${server.url.replace("http", "ws")}/graphql/ws`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: authorization },
  });
  const http = new HttpLink({ uri: `${server.url}/graphql`, headers: { authorization } });
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(wsClient),
    http,
  );
  client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { services: relayStylePagination(["filter"]) } } },
    }),
  });
});

after(async () => {
  client?.stop();
  await wsClient?.dispose();
  await server?.stop();
});

const SERVICES = gql`
  query Services($after: String) {
    services(first: 2, after: $after) {
      edges { cursor node { id name owner { id name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

test("relay-style pagination merges pages in the cache", async () => {
  const watched = client.watchQuery({ query: SERVICES });
  const first = await watched.result();
  assert.equal(first.data.services.edges.length, 2);
  assert.equal(first.data.services.pageInfo.hasNextPage, true);
  const more = await watched.fetchMore({
    variables: { after: first.data.services.pageInfo.endCursor },
  });
  assert.equal(more.data.services.edges.length, 2);
  const merged = watched.getCurrentResult().data.services.edges;
  const ids = new Set(merged.map((edge) => edge.node.id));
  assert.equal(ids.size, 4, "both pages are in the cached list");
});

test("a node refetch lands on the same cache entry", async () => {
  const page = await client.query({ query: SERVICES });
  const service = page.data.services.edges[0].node;
  const refetched = await client.query({
    query: gql`query Node($id: ID!) { node(id: $id) { id ... on Service { name } } }`,
    variables: { id: service.id },
    fetchPolicy: "network-only",
  });
  assert.equal(refetched.data.node.name, service.name);
  const normalized = client.cache.extract();
  assert.ok(normalized[`Service:${service.id}`], "normalized by __typename and id");
});

test("a request error reaches Apollo as GraphQL errors, not a network error", async () => {
  const outcome = await client
    .query({ query: gql`{ viewer { shoeSize } }`, fetchPolicy: "network-only" })
    .then(
      () => assert.fail("the query should fail"),
      (error) => error,
    );
  assert.equal(outcome.networkError, null, String(outcome.networkError));
  assert.equal(outcome.graphQLErrors[0].extensions.code, "BAD_USER_INPUT");
});

test("a subscription through GraphQLWsLink receives a change", async () => {
  const received = new Promise((resolve, reject) => {
    const subscription = client
      .subscribe({ query: gql`subscription { auditTrailAppended { action recordType } }` })
      .subscribe({
        next: (result) => {
          subscription.unsubscribe();
          resolve(result.data.auditTrailAppended);
        },
        error: reject,
      });
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await client.mutate({
    mutation: gql`mutation { updateOrganization(input: { name: "Renamed by Apollo" }) { organization { id name } } }`,
  });
  const entry = await received;
  assert.equal(entry.action, "organization.update");
  assert.equal(entry.recordType, "Organization");
});
