import { handle } from 'hono/aws-lambda';
import { createApp } from '../http/app';

/** API Gateway HTTP API → the Hono app. */
export const handler = handle(createApp());
