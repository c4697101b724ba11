import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { clientOptions } from '../adapters/aws-client-options';
import { createSesAccountClient, sesSendQuota } from '../adapters/ses-account';
import { createConsoleApp } from '../console/app';
import { consoleSections } from '../console/sections';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import type { Runtime } from '../runtime/runtime';
import { withLambdaContext } from '../shared/logger';

let app: ReturnType<typeof handle> | undefined;

/** The console on this function's runtime, its overview showing SES's own count against the daily quota. */
function consoleApp(runtime: Runtime) {
  const sesAccount = runtime.client('client:sesv2', () =>
    createSesAccountClient(clientOptions(runtime.config, runtime.config.endpoints.sesv2)),
  );
  return createConsoleApp(runtime, { sections: consoleSections({ quota: sesSendQuota(sesAccount) }) });
}

/**
 * API Gateway HTTP API (`/console`, `/console/{proxy+}`) → the staff console, on this function's
 * runtime: the staff's permissions (the reader function keeps its narrow role), EventBridge Scheduler
 * kept in step with the schedules, and the renderer for previews and test mails.
 */
export const handler = (event: Parameters<ReturnType<typeof handle>>[0], context: LambdaContext) => {
  withLambdaContext(context);
  app ??= handle(
    consoleApp(lambdaRuntime({ renderer: mjmlMailRenderer, signsLinks: true, schedules: true })),
  );
  return app(event, context);
};
