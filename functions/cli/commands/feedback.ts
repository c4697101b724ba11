import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { normaliseEmail } from '../../core/subscriber';
import { createFeedbackHandler } from '../../handlers/ses-feedback';
import { CliError, localOnly, printJson, withRuntime } from '../context';

/** An SES event as the configuration set's SNS destination delivers it, for one recipient. */
export function simulatedSesNotification(
  kind: 'bounce' | 'complaint' | 'transient-bounce',
  email: string,
  now: Date,
) {
  const mail = {
    timestamp: now.toISOString(),
    source: 'bulletin@nashra.example',
    messageId: `simulated-${randomUUID()}`,
    destination: [email],
    headersTruncated: false,
  };
  const event =
    kind === 'complaint'
      ? {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: email }],
            timestamp: now.toISOString(),
            feedbackId: randomUUID(),
            complaintFeedbackType: 'abuse',
            userAgent: 'simulated',
          },
          mail,
        }
      : {
          eventType: 'Bounce',
          bounce: {
            bounceType: kind === 'bounce' ? 'Permanent' : 'Transient',
            bounceSubType: kind === 'bounce' ? 'General' : 'MailboxFull',
            bouncedRecipients: [
              {
                emailAddress: email,
                action: 'failed',
                status: kind === 'bounce' ? '5.1.1' : '4.2.2',
                diagnosticCode: 'smtp; simulated',
              },
            ],
            timestamp: now.toISOString(),
            feedbackId: randomUUID(),
            reportingMTA: 'dsn; simulated.amazonses.com',
          },
          mail,
        };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:000000000000:nashra-ses-events:local',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:eu-west-1:000000000000:nashra-ses-events',
          Subject: null,
          Message: JSON.stringify(event),
          Timestamp: now.toISOString(),
        },
      },
    ],
  };
}

/** `nashra feedback simulate bounce|complaint EMAIL`: feeds the SES feedback handler a realistic event. */
export function registerFeedback(program: Command): void {
  program
    .command('feedback')
    .description('SES bounces and complaints')
    .command('simulate <kind> <email>')
    .description('feed the feedback handler a realistic SES event: bounce | transient-bounce | complaint')
    .option('--json', 'print JSON')
    .action(async (kind: string, email: string, options: { json?: boolean }, command: Command) => {
      localOnly(command, 'on a stage it would mark a real reader bounced or complained');
      if (!['bounce', 'complaint', 'transient-bounce'].includes(kind))
        throw new CliError(`kind must be bounce, transient-bounce or complaint, not "${kind}"`);
      await withRuntime(command, async (runtime) => {
        const { subscribers } = runtime.repos;
        const handle = createFeedbackHandler({
          subscribers,
          clock: runtime.clock,
          transientBounceLimit: runtime.config.send.transientBounceLimit,
        });
        const [outcome] = await handle(
          simulatedSesNotification(kind as 'bounce', normaliseEmail(email), new Date()),
        );
        const reader = await subscribers.findByEmail(email);
        if (options.json) return printJson({ ...outcome, status: reader?.status ?? null });
        if (!reader) throw new CliError(`no subscriber with that address`);
        console.log(
          `${kind} applied: the reader is now ${reader.status}${reader.bounceCount ? ` (${reader.bounceCount} transient bounces)` : ''}`,
        );
      });
    });
}
