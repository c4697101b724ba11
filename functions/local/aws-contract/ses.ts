import addressparser from 'nodemailer/lib/addressparser';
import { queryFormOf } from '../service-tap';
import { type ContractCheck, queryXmlError, type Refusal } from './refusal';

/**
 * The SES v1 API reference for the calls nashra makes:
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_SendEmail.html
 * SES does not support SMTPUTF8 (RFC 6531): every address is 7-bit ASCII (a Unicode domain in
 * Punycode), and a non-ASCII friendly name is written as an RFC 2047 encoded-word
 * (`=?charset?encoding?encoded-text?=`). A raw message is at most 10 MB; one message goes to at most
 * 50 recipients (To, CC and BCC together) and to at least one.
 */
export const MAX_RAW_MESSAGE_BYTES = 10 * 1024 * 1024;
export const MAX_RECIPIENTS = 50;
/**
 * Message tags (and so the configuration-set event dimensions): names and values of ASCII letters,
 * digits, `_` and `-`, at most 256 characters.
 * https://docs.aws.amazon.com/ses/latest/APIReference/API_MessageTag.html
 */
const tagPattern = /^[A-Za-z0-9_-]{1,256}$/;

const invalid = (message: string): Refusal => ({ code: 'InvalidParameterValue', message });

const printableAscii = /^[\x20-\x7E]*$/;
/** An addr-spec SES can send to: an ASCII local part and a dotted ASCII (Punycode) domain. */
const addrSpec = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/**
 * Why SES would refuse `value` as one mailbox (`addr` or `Name <addr>`), or nothing when it is fine.
 * Exported for the unit tests.
 */
export function mailboxProblem(field: string, value: string): string | undefined {
  if (!printableAscii.test(value))
    return `${field} must be 7-bit ASCII (SES does not support SMTPUTF8): a non-ASCII friendly name must be an RFC 2047 encoded-word, a Unicode domain Punycode; got ${JSON.stringify(value)}`;
  const mailboxes = addressparser(value, { flatten: true });
  if (mailboxes.length !== 1) return `${field} must name exactly one address; got ${JSON.stringify(value)}`;
  const address = mailboxes[0]?.address ?? '';
  if (!addrSpec.test(address))
    return `Missing final '@domain' or illegal address in ${field}: ${JSON.stringify(value)}`;
  return undefined;
}

/** The header block of a raw message, unfolded, as `[lower-case name, value]` pairs. */
export function headersOf(raw: Buffer): Array<[string, string]> {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]/g, ' ');
  return block.split(/\r?\n/).flatMap((line): Array<[string, string]> => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
  });
}

function listMembers(form: URLSearchParams, prefix: string): string[] {
  const members: string[] = [];
  for (let n = 1; form.has(`${prefix}.member.${n}`); n++)
    members.push(form.get(`${prefix}.member.${n}`) ?? '');
  return members;
}

function checkConfigurationSet(name: string | null, known: ReadonlySet<string>): Refusal | undefined {
  if (name === null || known.has(name)) return undefined;
  return { code: 'ConfigurationSetDoesNotExist', message: `Configuration set <${name}> does not exist.` };
}

function checkTags(form: URLSearchParams): Refusal | undefined {
  for (let n = 1; form.has(`Tags.member.${n}.Name`); n++) {
    for (const part of ['Name', 'Value']) {
      const value = form.get(`Tags.member.${n}.${part}`) ?? '';
      if (!tagPattern.test(value))
        return invalid(
          `Invalid tag ${part.toLowerCase()} ${JSON.stringify(value)}: only ASCII letters, digits, '_' and '-', at most 256 characters`,
        );
    }
  }
  return undefined;
}

function checkRecipients(recipients: string[], field: string): Refusal | undefined {
  if (recipients.length === 0) return invalid('Missing required header: the message has no recipient');
  if (recipients.length > MAX_RECIPIENTS) return invalid(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
  for (const recipient of recipients) {
    const problem = mailboxProblem(field, recipient);
    if (problem) return invalid(problem);
  }
  return undefined;
}

function checkSendRawEmail(form: URLSearchParams, known: ReadonlySet<string>): Refusal | undefined {
  const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64');
  if (raw.length > MAX_RAW_MESSAGE_BYTES)
    return invalid(`Message length is more than ${MAX_RAW_MESSAGE_BYTES} bytes long: '${raw.length}'.`);
  const headers = headersOf(raw);
  const header = (name: string) => headers.filter(([key]) => key === name).map(([, value]) => value);

  const source = form.get('Source');
  if (source !== null) {
    const problem = mailboxProblem('Source', source);
    if (problem) return invalid(problem);
  }
  const from = header('from');
  if (source === null && from.length === 0)
    return invalid('Missing required header: a message without Source needs a From header');
  for (const value of from) {
    const problem = mailboxProblem('the From header', value);
    if (problem) return invalid(problem);
  }

  const destinations = listMembers(form, 'Destinations');
  const recipients =
    destinations.length > 0
      ? destinations
      : ['to', 'cc', 'bcc'].flatMap((name) =>
          header(name).flatMap((value) =>
            addressparser(value, { flatten: true }).map((mailbox) => mailbox.address ?? ''),
          ),
        );
  return (
    checkRecipients(recipients, destinations.length > 0 ? 'Destinations' : 'the To, Cc and Bcc headers') ??
    checkConfigurationSet(form.get('ConfigurationSetName'), known) ??
    checkConfigurationSet(header('x-ses-configuration-set')[0] ?? null, known) ??
    checkTags(form)
  );
}

function checkSendEmail(form: URLSearchParams, known: ReadonlySet<string>): Refusal | undefined {
  const problem = mailboxProblem('Source', form.get('Source') ?? '');
  if (problem) return invalid(problem);
  const recipients = ['ToAddresses', 'CcAddresses', 'BccAddresses'].flatMap((kind) =>
    listMembers(form, `Destination.${kind}`),
  );
  return (
    checkRecipients(recipients, 'Destination') ??
    checkConfigurationSet(form.get('ConfigurationSetName'), known) ??
    checkTags(form)
  );
}

/**
 * What SES would refuse in a v1 Query request (form parameters as sent): addresses that are not 7-bit
 * ASCII (the Source, the raw message's From header, the destinations), a raw message over 10 MB,
 * more than 50 or no recipients, a configuration set SES does not know, malformed message tags.
 */
export function checkSesRequest(form: URLSearchParams, knownConfigurationSets: ReadonlySet<string>) {
  switch (form.get('Action')) {
    case 'SendRawEmail':
      return checkSendRawEmail(form, knownConfigurationSets);
    case 'SendEmail':
      return checkSendEmail(form, knownConfigurationSets);
    default:
      return undefined;
  }
}

/**
 * The SES v1 contract over HTTP (AWS Query protocol: a form-encoded POST, errors as an XML
 * `ErrorResponse`). `configurationSets` are the sets that exist: locally, the configured one.
 */
export function sesContract(options: { configurationSets: Iterable<string> }): ContractCheck {
  const known = new Set(options.configurationSets);
  return (request) => {
    if (request.method !== 'POST') return undefined;
    const refusal = checkSesRequest(queryFormOf(request), known);
    return refusal && queryXmlError(refusal, 'http://ses.amazonaws.com/doc/2010-12-01/');
  };
}
