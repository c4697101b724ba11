import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SendQuota } from '../core/overview';
import { readTime } from '../core/time';

/**
 * The overview's sending quota in local mode: the mails kept in the outbox (every raw message sent,
 * NASHRA_HOME/outbox) since the start of today in the network's time zone. There is no limit locally.
 */
export function outboxSendQuota(outbox: string, timeZone: string): SendQuota {
  return {
    async used(now) {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
      const since = readTime(today, { timeZone }).instant.getTime();
      const files = (await readdir(outbox).catch(() => [] as string[])).filter((file) =>
        file.endsWith('.eml'),
      );
      let sent = 0;
      for (const file of files) {
        const written = await stat(join(outbox, file)).catch(() => undefined);
        if (written && written.mtimeMs >= since) sent += 1;
      }
      return { sent, period: 'today' };
    },
  };
}
