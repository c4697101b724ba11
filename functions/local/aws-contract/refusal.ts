import { randomUUID } from 'node:crypto';
import type { Tap, TappedRequest, UpstreamResponse } from '../service-tap';

/**
 * A request AWS would refuse: the error code AWS answers with, words saying what is wrong, and the
 * HTTP status (400 unless said otherwise). Where the API reference names the code but not the exact
 * text, the message is ours; the code and the shape of the answer are AWS's.
 */
export interface Refusal {
  code: string;
  message: string;
  status?: number;
}

/** Looks at one request as the service receives it: an answer in the service's protocol, or nothing. */
export type ContractCheck = (request: TappedRequest) => UpstreamResponse | undefined;

/**
 * Puts a contract check in front of a tap (or of the upstream itself): a request the check refuses is
 * answered there, as AWS would answer it, and never reaches the tap or the emulator behind it.
 */
export function withContract(check: ContractCheck, inner?: Tap): Tap {
  return async (request, forward) => check(request) ?? (inner ? inner(request, forward) : forward());
}

const answer = (status: number, headers: Record<string, string>, body: string): UpstreamResponse => ({
  status,
  headers: {
    'x-amzn-requestid': randomUUID(),
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  },
  body: Buffer.from(body, 'utf8'),
});

/**
 * An AWS JSON 1.0 error (DynamoDB, SQS): `{"__type": "<namespace>#<code>", "message": …}`. SQS also
 * speaks its old Query error codes through `x-amzn-query-error` (`awsQueryCompatible`), which the SDK
 * reads as the error's `Code`.
 */
export function awsJsonError(refusal: Refusal, namespace: string, queryErrorCode?: string): UpstreamResponse {
  return answer(
    refusal.status ?? 400,
    {
      'content-type': 'application/x-amz-json-1.0',
      ...(queryErrorCode ? { 'x-amzn-query-error': `${queryErrorCode};Sender` } : {}),
    },
    JSON.stringify({ __type: `${namespace}#${refusal.code}`, message: refusal.message }),
  );
}

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An AWS Query protocol error (SES v1, CloudFormation): an XML `ErrorResponse`. */
export function queryXmlError(refusal: Refusal, xmlns: string): UpstreamResponse {
  return answer(
    refusal.status ?? 400,
    { 'content-type': 'text/xml' },
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${xmlText(refusal.code)}</Code>` +
      `<Message>${xmlText(refusal.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

/** A REST-JSON error (EventBridge Scheduler): the code in `x-amzn-errortype`, `{"Message": …}` as body. */
export function restJsonError(refusal: Refusal): UpstreamResponse {
  return answer(
    refusal.status ?? 400,
    { 'content-type': 'application/json', 'x-amzn-errortype': refusal.code },
    JSON.stringify({ Message: refusal.message }),
  );
}
