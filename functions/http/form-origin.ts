import { ForbiddenError } from '../core/errors';
import type { Config } from '../shared/config';

/**
 * The origins a subscribe form may be posted from: the API's own and each of the network's sites
 * (`NASHRA_SITES`, which are served over https), as a browser writes them in `Origin`.
 */
export function formOrigins(config: Pick<Config, 'baseUrl' | 'ingest'>): ReadonlySet<string> {
  const sites = Object.values(config.ingest.sites).filter((host): host is string => Boolean(host));
  return new Set([new URL(config.baseUrl).origin, ...sites.map((host) => `https://${host}`)]);
}

/**
 * Refuses a form posted by a browser from any other origin: a hostile page that makes its visitors'
 * browsers subscribe addresses, each from a client of its own. Browsers send `Origin` with every POST,
 * so a request without one is no browser's cross-site post and passes, to be judged by the limits
 * as any other; `Origin: null` (a sandboxed or privacy-stripped page) names none of ours and does not.
 */
export function checkFormOrigin(origin: string | undefined, allowed: ReadonlySet<string>): void {
  if (origin !== undefined && !allowed.has(origin))
    throw new ForbiddenError('this form takes subscriptions only from the network’s own pages');
}
