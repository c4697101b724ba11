import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings, tablePrefixFor } from './config';
import type { HandlerSpec } from './handler-spec';
import { handlersFor } from './handlers';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

export interface BuildOptions {
  /** The functions to build; the registry of infra/handlers.ts unless a test gives its own. */
  handlers?: Record<string, HandlerSpec>;
}

/**
 * Both stacks of one stage, as `cdk synth` and the infra tests build them, with cdk-nag's AwsSolutions
 * checks registered: synthesis fails on any finding that is not acknowledged with a reason.
 */
export function buildNashra(app: App, options: BuildOptions = {}) {
  const settings = readSettings(app.node);
  const env = { account: settings.account, region: settings.region };
  const stateful = new StatefulStack(app, `nashra-${settings.stage}-stateful`, {
    env,
    stage: settings.stage,
    tablePrefix: tablePrefixFor(settings.stage),
    domain: settings.domain,
    dmarcReportAddress: settings.dmarcReportAddress,
    sandboxRecipients: settings.sandboxRecipients,
    ...(settings.apiDomain
      ? { apiDomain: { name: settings.apiDomain, certificateArn: settings.apiCertificateArn } }
      : {}),
  });
  const stateless = new StatelessStack(app, `nashra-${settings.stage}-stateless`, {
    env,
    settings,
    stateful,
    handlers: options.handlers ?? handlersFor(settings),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { settings, stateful, stateless };
}
