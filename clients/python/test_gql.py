"""Python's gql, with its default settings, against a real server: it fetches the schema with
graphql-js's standard introspection query over HTTP, and subscribes over both WebSocket
protocols (graphql-transport-ws and the legacy graphql-ws).

Run: python3 -m unittest clients/python/test_gql.py (after `cargo build`; ISO20000_BIN or
CARGO_TARGET_DIR say where the binary is)."""

import asyncio
import os
import re
import socket
import subprocess
import tempfile
import unittest

from gql import Client, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport


def binary():
    if os.environ.get("ISO20000_BIN"):
        return os.environ["ISO20000_BIN"]
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(os.path.dirname(__file__), "..", "..", "target")
    return os.path.join(target, "debug", "iso20000")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`iso20000 serve --demo` on a free port, until stopped."""

    def __init__(self):
        self.data = tempfile.TemporaryDirectory()
        port = free_port()
        self.process = subprocess.Popen(
            [binary(), "serve", "--demo", "--port", str(port), "--data-dir", self.data.name],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        output = ""
        for line in self.process.stdout:
            output += line
            found = re.search(r"admin token \(valid 12h\): (\S+)", output)
            if found and "GraphiQL:" in output:
                self.token = found.group(1)
                break
        else:
            raise RuntimeError(f"the server did not start:\n{output}")
        self.http = f"http://127.0.0.1:{port}/graphql"
        self.ws = f"ws://127.0.0.1:{port}/graphql/ws"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)
        self.data.cleanup()


class GqlTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def authorization(self):
        return {"Authorization": f"Bearer {self.server.token}"}

    async def test_the_schema_is_fetched_and_queries_are_validated_against_it(self):
        transport = AIOHTTPTransport(url=self.server.http, headers=self.authorization())
        async with Client(transport=transport, fetch_schema_from_transport=True) as session:
            self.assertIn("Service", session.client.schema.type_map)
            result = await session.execute(gql("{ viewer { subject organization { name } } }"))
            self.assertEqual(result["viewer"]["subject"], "demo-admin")

    async def subscribe_on(self, subprotocol):
        transport = WebsocketsTransport(
            url=self.server.ws, init_payload=self.authorization(), subprotocols=[subprotocol]
        )
        subscription = gql("subscription { auditTrailAppended { action recordType } }")
        async with Client(transport=transport) as session:
            events = session.subscribe(subscription)
            first = asyncio.ensure_future(events.__anext__())
            await asyncio.sleep(0.5)
            http = AIOHTTPTransport(url=self.server.http, headers=self.authorization())
            async with Client(transport=http) as writer:
                await writer.execute(
                    gql('mutation { updateOrganization(input: { name: "Renamed by gql" }) { organization { name } } }')
                )
            event = await asyncio.wait_for(first, timeout=10)
            self.assertEqual(event["auditTrailAppended"]["action"], "organization.update")

    async def test_a_subscription_over_graphql_transport_ws(self):
        await self.subscribe_on(WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL)

    async def test_a_subscription_over_the_legacy_graphql_ws(self):
        await self.subscribe_on(WebsocketsTransport.APOLLO_SUBPROTOCOL)


if __name__ == "__main__":
    unittest.main()
