import { MjmlRenderer } from '../adapters/mjml-renderer';
import type { MailRenderer } from '../core/ports';
import { createMailRenderer } from '../render/render-mail';
import type { Runtime } from './runtime';

/**
 * Mail rendered with MJML in this process: the part of a runtime that renders (digests, alerts,
 * previews, system mails). Only the processes that render import this module, so only their bundles
 * carry MJML.
 */
export function mjmlMailRenderer(runtime: Runtime): MailRenderer {
  return createMailRenderer({
    compiler: mjmlCompiler(runtime),
    baseUrl: runtime.config.baseUrl,
    timeZone: runtime.config.timeZone,
  });
}

/** The runtime's one MJML compiler (its compile count is how tests prove the render-once rule). */
export function mjmlCompiler(runtime: Runtime): MjmlRenderer {
  return runtime.once('mjml', () => new MjmlRenderer());
}
