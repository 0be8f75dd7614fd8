/** `npm start`: build the extensions, boot Directus with Concord and the demo company, print the logins. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bootConcord } from '../host/boot.ts';
import { assertPortFree } from '../host/directus.ts';
import { SettingError, loadLocalEnv, resolveSettings } from '../host/env.ts';
import { describeFailure } from '../host/failure.ts';
import { ROOT } from '../host/paths.ts';

async function main(): Promise<void> {
  const settings = resolveSettings(loadLocalEnv());
  await assertPortFree(settings.port);
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-extensions.ts')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('Building the extensions failed.');

  console.log('Preparing the database and starting Directus…');
  const { server, logins } = await bootConcord(settings, { echo: true });

  const width = Math.max(...logins.map((l) => l.email.length), 24);
  console.log(`\nConcord is running: ${settings.publicUrl}/admin\n`);
  console.log(`  admin  ${settings.adminEmail.padEnd(width)}  ${settings.adminPassword === 'concord-admin' ? 'concord-admin' : '(ADMIN_PASSWORD)'}`);
  for (const login of logins) {
    console.log(`  staff  ${login.email.padEnd(width)}  ${settings.staffPassword === 'concord-demo' ? 'concord-demo' : '(CONCORD_STAFF_PASSWORD)'}  ${login.name} · ${login.department} · ${login.title}`);
  }
  console.log('\nPress Ctrl+C to stop.');

  const shutdown = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  server.process.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  if (error instanceof SettingError) {
    console.error(`Concord cannot start: ${error.message}`);
  } else {
    console.error(`\nConcord did not start: ${describeFailure(error)}`);
    // Every step of the start is idempotent or all-or-nothing (see host/boot.ts).
    console.error('\nNothing was left half-done: running npm start again is safe, and finishes the start once the cause above is gone.');
  }
  process.exit(1);
});
