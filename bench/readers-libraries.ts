// The libraries the readers' function (functions/handlers/http-api.ts) cannot do without, and none of
// nashra's own code: bundled and imported as its bundle is, the floor under its import time. It reads
// the store (the DynamoDB document client), sends the confirm and notice mails (SES, MailComposer),
// serves HTTP (Hono's Lambda adapter), logs and counts (Powertools) and validates what comes in (zod).

export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
export { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export { Hono } from 'hono';
export { handle } from 'hono/aws-lambda';
export { default as MailComposer } from 'nodemailer/lib/mail-composer';
export * as z from 'zod';
