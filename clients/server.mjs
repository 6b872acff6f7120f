// Starts the server binary on a free port with the demo organization, for the client tests;
// answers its URL and an admin token once it listens.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The binary the tests drive: ISO20000_BIN, or the debug build of the repository. */
function binary() {
  if (process.env.ISO20000_BIN) return process.env.ISO20000_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(import.meta.dirname, "..", "target");
  return join(target, "debug", "iso20000");
}

export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), "iso20000-clients-"));
  const port = await freePort();
  const child = spawn(binary(), ["serve", "--demo", "--port", String(port), "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk;
      const token = output.match(/admin token \(valid 12h\): (\S+)/);
      if (token && output.includes("GraphiQL:")) {
        clearTimeout(timer);
        resolve(token[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  const token = await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
