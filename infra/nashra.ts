import type { App } from 'aws-cdk-lib';
import { readSettings, tablePrefixFor } from './config';
import { StatefulStack } from './stacks/stateful-stack';

/** Both stacks of one stage, as `cdk synth` and the infra tests build them. */
export function buildNashra(app: App) {
  const settings = readSettings(app.node);
  const env = { account: settings.account, region: settings.region };
  const stateful = new StatefulStack(app, `nashra-${settings.stage}-stateful`, {
    env,
    tablePrefix: tablePrefixFor(settings.stage),
  });
  return { settings, stateful };
}
