import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createConsoleApp } from '../console/app';
import { consoleSections } from '../console/sections';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import { withLambdaContext } from '../shared/logger';

let app: ReturnType<typeof handle> | undefined;

/**
 * API Gateway HTTP API (`/console`, `/console/{proxy+}`) → the staff console, on this function's
 * runtime: the staff's permissions (the reader function keeps its narrow role), EventBridge Scheduler
 * kept in step with the schedules, and the renderer for previews and test mails.
 */
export const handler = (event: Parameters<ReturnType<typeof handle>>[0], context: LambdaContext) => {
  withLambdaContext(context);
  app ??= handle(
    createConsoleApp(lambdaRuntime({ renderer: mjmlMailRenderer, signsLinks: true, schedules: true }), {
      // No sending quota on the overview yet: reading SES's needs ses:GetAccount, which the function lacks.
      sections: consoleSections(),
    }),
  );
  return app(event, context);
};
