// Screenshots for the README: the dashboard signed in as the demo admin, light, dark and on a phone.
//   npx next build && npx tsx scripts/screenshots.ts   (NEXT_DIST_DIR is honoured, as in the tests)
// Starts the production build the way the e2e tests do, on a fresh seeded SQLite database, and Chromium through
// playwright-core (CHROMIUM_PATH, or an installed Chrome/Chromium).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { cloneTemplate, createTemplate, projectRoot } from "../harness/databases";
import { serverEnv, startServer } from "../harness/server";
import { createDb } from "../lib/db";
import { parseEnv } from "../lib/env";
import { DEMO_USERS, seed } from "../lib/seed";
import { launchBrowser, signInWithForm } from "../tests/support/browser";

const SHOTS = [
  { file: "light.png", colorScheme: "light", width: 1280, height: 800 },
  { file: "dark.png", colorScheme: "dark", width: 1280, height: 800 },
  { file: "mobile.png", colorScheme: "light", width: 390, height: 844 },
] as const;

async function main() {
  const outDir = join(projectRoot, "docs", "screenshots");
  mkdirSync(outDir, { recursive: true });
  const template = await createTemplate("sqlite");
  const database = await cloneTemplate(template);
  const db = createDb(parseEnv({ NODE_ENV: "test", DATABASE_URL: database.url }));
  await seed(db, { cost: 4, production: false });
  await db.$disconnect();
  const server = await startServer(serverEnv({ DATABASE_URL: database.url }));
  const browser = await launchBrowser();
  try {
    for (const shot of SHOTS) {
      await browser.context.clearCookies();
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: shot.width, height: shot.height });
      await page.emulateMedia({ colorScheme: shot.colorScheme });
      await signInWithForm(page, server.url, DEMO_USERS.admin);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: join(outDir, shot.file) });
      await page.close();
      console.log(`docs/screenshots/${shot.file}`);
    }
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
    await template.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
