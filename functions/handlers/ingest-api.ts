import type { Context as LambdaContext } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { ingestApp } from '../http/ingest-routes';
import { lambdaRuntime } from '../runtime/lambda';
import { withLambdaContext } from '../shared/logger';

let app: ReturnType<typeof handle> | undefined;

/**
 * API Gateway HTTP API (`POST /api/articles`, IAM-authorised) → the staff ingest route, on this
 * function's runtime built at cold start. A function of its own: the feed parser and the HTML
 * sanitiser stay out of the readers' function, whose cold start readers wait for.
 */
export const handler = (event: Parameters<ReturnType<typeof handle>>[0], context: LambdaContext) => {
  withLambdaContext(context);
  app ??= handle(ingestApp(lambdaRuntime()));
  return app(event, context);
};
