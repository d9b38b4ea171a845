import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findChromium } from "../support/chromium-path";
import { freePort } from "../../harness/server";
import { findOrStartPostgres, postgresProblem } from "../../harness/postgres";

// How `npm test` picks its browser and PostgreSQL server, on real files and real sockets.

const scratch = mkdtempSync(join(tmpdir(), "starter-discovery-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(path: string, mode: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, mode);
  return path;
}

describe("browser discovery", () => {
  it("uses CHROMIUM_PATH when it is an executable file, and explains when it is not", () => {
    const browser = file(join(scratch, "my-chrome"), 0o755);
    expect(findChromium({ CHROMIUM_PATH: browser })).toEqual({ path: browser });
    const notExecutable = file(join(scratch, "not-a-browser"), 0o644);
    for (const path of [notExecutable, join(scratch, "nowhere"), scratch]) {
      const search = findChromium({ CHROMIUM_PATH: path });
      expect(search.path).toBeUndefined();
      expect(search.instruction).toContain(`CHROMIUM_PATH=${path} is not an executable file`);
      expect(search.instruction).toContain("`npx playwright-core install chromium`");
      expect(search.instruction).not.toContain("\n");
    }
  });

  it("finds the newest Chromium in Playwright's browser cache", () => {
    const cache = join(scratch, "ms-playwright");
    const env = {
      PLAYWRIGHT_BROWSERS_PATH: cache,
      PROGRAMFILES: join(scratch, "empty"),
      LOCALAPPDATA: join(scratch, "empty"),
    };
    file(join(cache, "chromium-999", "chrome-win", "chrome.exe"), 0o755);
    const newest = file(join(cache, "chromium-1200", "chrome-win64", "chrome.exe"), 0o755);
    file(join(cache, "chromium-1300", "chrome-win64", "chrome.exe"), 0o644); // unpacked without its exec bit: unusable
    expect(findChromium(env, "win32")).toEqual({ path: newest });
    const installed = file(join(scratch, "programs", "Google", "Chrome", "Application", "chrome.exe"), 0o755);
    expect(findChromium({ ...env, PROGRAMFILES: join(scratch, "programs") }, "win32")).toEqual({ path: installed });
  });

  it("ends in one line saying what to run when there is no browser anywhere", () => {
    const search = findChromium(
      { PLAYWRIGHT_BROWSERS_PATH: join(scratch, "no-cache"), LOCALAPPDATA: join(scratch, "empty") },
      "win32",
    );
    expect(search).toEqual({
      instruction:
        "No Chrome or Chromium found for the browser tests: run `npx playwright-core install chromium` (or install Google Chrome, or set CHROMIUM_PATH)",
    });
  });
});

describe("PostgreSQL discovery", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));
  const listen = async (onConnection: (socket: Socket) => void) => {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as { port: number }).port;
  };

  it("reports a closed port, a server that hangs up and one that never answers as unusable", async () => {
    expect(await postgresProblem(`postgresql://postgres@127.0.0.1:${await freePort()}/postgres`)).toMatch(
      /ECONNREFUSED/,
    );
    const hangsUp = await listen((socket) => socket.destroy());
    expect(await postgresProblem(`postgresql://postgres@127.0.0.1:${hangsUp}/postgres`)).toMatch(
      /terminated|ECONNRESET/i,
    );
    const silent = await listen(() => {});
    const started = Date.now();
    expect(await postgresProblem(`postgresql://postgres@127.0.0.1:${silent}/postgres`)).toMatch(/timeout/i);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("takes TEST_POSTGRES_URL as given, and refuses an unknown TEST_POSTGRES", async () => {
    const url = "postgresql://someone@db.example:6543/postgres";
    const given = await findOrStartPostgres({ env: { TEST_POSTGRES_URL: url, TEST_POSTGRES: "embedded" } });
    expect(given).toMatchObject({ url, summary: "TEST_POSTGRES_URL (db.example:6543)" });
    await expect(findOrStartPostgres({ env: { TEST_POSTGRES: "machine" } })).rejects.toThrow(
      'TEST_POSTGRES must be "embedded" or unset, got machine',
    );
  });
});
