import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SendQuota } from '../core/overview';
import { readTime } from '../core/time';

/** How many outbox files are looked at at once. */
const statsAtOnce = 100;

/**
 * The overview's sending quota in local mode: the mails kept in the outbox (every raw message sent,
 * NASHRA_HOME/outbox) since the start of today in the network's time zone. There is no limit locally.
 * Each file's time is read once per process and kept: the outbox tap creates each mail's file once and
 * never rewrites it, so after one digest to 10,000 readers a page load lists the folder and looks at
 * only the mails new since the last one, rather than 10,000 files each time.
 */
export function outboxSendQuota(outbox: string, timeZone: string): SendQuota {
  const writtenAt = new Map<string, number>();
  return {
    async used(now) {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
      const since = readTime(today, { timeZone }).instant.getTime();
      const files = new Set(
        (await readdir(outbox).catch(() => [] as string[])).filter((file) => file.endsWith('.eml')),
      );
      for (const file of writtenAt.keys()) if (!files.has(file)) writtenAt.delete(file);
      const unseen = [...files].filter((file) => !writtenAt.has(file));
      for (let start = 0; start < unseen.length; start += statsAtOnce)
        await Promise.all(
          unseen.slice(start, start + statsAtOnce).map(async (file) => {
            const written = await stat(join(outbox, file)).catch(() => undefined);
            if (written) writtenAt.set(file, written.mtimeMs);
          }),
        );
      let sent = 0;
      for (const at of writtenAt.values()) if (at >= since) sent += 1;
      return { sent, period: 'today' };
    },
  };
}
