// The Relay operations the relay test runs; relay-compiler turns them into relay/__generated__/.
const { graphql } = require("relay-runtime");

module.exports = {
  ServicesQuery: graphql`
    query queriesServicesQuery($first: Int!, $after: String) {
      services(first: $first, after: $after) @connection(key: "queries_services") {
        edges {
          node {
            id
            name
            owner {
              id
              name
            }
          }
        }
      }
    }
  `,
  NodeQuery: graphql`
    query queriesNodeQuery($id: ID!) {
      node(id: $id) {
        id
        ... on Service {
          name
        }
      }
    }
  `,
};
