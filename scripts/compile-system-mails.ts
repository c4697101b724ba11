// npm run compile:system-mails: compiles every system mail (confirm, welcome, unsubscribed notice; each
// variant, the welcome mail per cadence) from its MJML and writes them to
// functions/render/system-mails.compiled.json, which the reader-facing Lambda function serves so that
// its bundle carries no MJML. Run it after changing a mail template or its words: the unit test
// tests/unit/system-mail-catalogue.test.ts fails while the file differs from a fresh compile.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MjmlRenderer } from '../functions/adapters/mjml-renderer';
import { createMailRenderer } from '../functions/render/render-mail';
import { compileSystemMails } from '../functions/render/system-mail-catalogue';

const file = fileURLToPath(new URL('../functions/render/system-mails.compiled.json', import.meta.url));
// System mails carry no link but the reader's placeholders: the base URL and time zone change nothing
// in them (the test compiles them under another pair and finds the same mails).
const renderer = createMailRenderer({
  compiler: new MjmlRenderer(),
  baseUrl: 'https://bulletin.example.org',
  timeZone: 'Asia/Baghdad',
});
const catalogue = await compileSystemMails(renderer);
writeFileSync(file, `${JSON.stringify(catalogue, null, 2)}\n`);
process.stdout.write(`wrote ${Object.keys(catalogue).length} system mails to ${file}\n`);
