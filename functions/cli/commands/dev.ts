import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { createConsoleApp } from '../../console/app';
import { consoleSections } from '../../console/sections';
import { createApp } from '../../http/app';
import { ingestRoutes } from '../../http/ingest-routes';
import { loadDemoDataOnce } from '../../local/demo-data';
import { type DemoStaff, ensureDemoStaff } from '../../local/demo-staff';
import { outboxSendQuota } from '../../local/outbox-quota';
import { ingestRulesOf } from '../../runtime/ingesting';
import { openRuntime } from '../../runtime/open-runtime';
import { scheduleParts } from '../../runtime/scheduling';
import { sendingParts } from '../../runtime/sending';
import { staffParts } from '../../runtime/staff';
import { localOnly } from '../context';

/** `nashra dev`: the whole product on loopback until Ctrl-C. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run nashra locally: DynamoDB and SES emulators, HTTP API, scheduler, demo data')
    .action(async (_options: unknown, command: Command) => {
      localOnly(command, 'it runs the whole product on this machine; a stage runs on AWS');
      const runtime = await openRuntime('local', {
        env: process.env,
        dev: true,
        wiring: { poll: true, schedules: true },
      });
      const local = runtime.local;
      if (!local) throw new Error('local mode opened without its stack');
      const staff = local.staff;
      if (!staff) throw new Error('local mode opened without the staff identity service');
      const demoStaff = await ensureDemoStaff(runtime.config.home, staffParts(runtime), {
        poolCreated: staff.poolCreated,
        password: runtime.config.staff.demoPassword,
      });
      const server = serve({
        fetch: createApp(runtime, {
          mailViewer: local.urls.mail,
          ingest: ingestRoutes(runtime),
          console: createConsoleApp(runtime, {
            sections: consoleSections({ quota: outboxSendQuota(local.outbox, runtime.config.timeZone) }),
          }),
        }).fetch,
        hostname: '127.0.0.1',
        port: runtime.config.ports.api,
      });
      const demo = await loadDemoDataOnce(
        runtime.config.home,
        runtime.repos,
        runtime.clock,
        ingestRulesOf(runtime.config),
        sendingParts(runtime),
        scheduleParts(runtime),
      );

      console.log(`nashra is running locally${demo.loaded ? ' (demo data loaded: demo digests and alerts are in the mail viewer)' : ''}.
  Mail viewer   ${local.urls.mail}
  HTTP API      ${local.urls.api}
  Previews      ${local.urls.api}/preview
  Console       ${local.urls.console}   ${demoStaffLine(demoStaff)}
  DynamoDB      ${local.urls.dynamodb}
  SES           ${local.urls.ses}
  Sent mail     ${local.outbox}/*.eml
  Data          ${runtime.config.home}
Press Ctrl-C to stop.`);

      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      console.log('\nstopping…');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    });
}

/** How to sign in to the local console, said once when the demo account is made. */
function demoStaffLine(demo: DemoStaff): string {
  if (!demo.created)
    return `staff sign-in: ${demo.email} (its password was shown when it was made; \`nashra staff add\` makes another account)`;
  if (!demo.password) return `staff sign-in: ${demo.email}, the password in NASHRA_DEMO_STAFF_PASSWORD`;
  return `staff sign-in: ${demo.email}, password ${demo.password}  (shown this once)`;
}
