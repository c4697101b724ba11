import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app';
import { lambdaRuntime } from '../runtime/lambda';
import { precompiledMailRenderer } from '../runtime/precompiled-rendering';
import { withLambdaContext } from '../shared/logger';

let app: ReturnType<typeof handle> | undefined;

/**
 * API Gateway HTTP API → the Hono app, on the function's runtime built at cold start. Its readers get
 * system mails only, served precompiled: the bundle carries no MJML.
 */
export const handler = (event: Parameters<ReturnType<typeof handle>>[0], context: LambdaContext) => {
  withLambdaContext(context);
  app ??= handle(createApp(lambdaRuntime({ renderer: precompiledMailRenderer, signsLinks: true })));
  return app(event, context);
};
