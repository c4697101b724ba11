import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../shared/private-files';

interface HeldMessage {
  messageId: string;
  body: string;
  /** Epoch milliseconds. */
  sentAt: number;
  receiveCount: number;
  attributes: Record<string, string>;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  attributes: Record<string, string>;
}

/** What a receipt handle refers to, as SQS tells a caller who used a wrong one. */
export type ReceiptProblem = 'ReceiptHandleIsInvalid' | 'MessageNotInflight';

/**
 * Stands in for an SQS queue nobody consumes: a dead-letter queue. Messages wait until a staff
 * command receives them (each receive hides them for the visibility timeout and gives a new receipt
 * handle; only the latest one works), makes them visible again or deletes them. With `store`, each
 * message is also a file until deleted, so dead letters outlive the process, as they outlive any
 * invocation on AWS; which messages are hidden is this process's alone (a restart shows them all, as
 * their visibility timeout would).
 */
export class LocalHeldQueue {
  private readonly messages = new Map<string, HeldMessage>();
  /** messageId → the latest receipt handle and when the message shows again. */
  private readonly hidden = new Map<string, { receiptHandle: string; visibleAt: number }>();

  constructor(
    readonly name: string,
    private readonly store?: string,
  ) {
    if (!store) return;
    makePrivateDir(store);
    for (const file of readdirSync(store).filter((name) => name.endsWith('.json'))) {
      const message = JSON.parse(readFileSync(join(store, file), 'utf8')) as HeldMessage;
      this.messages.set(message.messageId, message);
    }
  }

  /** Adds messages; returns their ids. */
  send(bodies: string[], attributes: Record<string, string> = {}): string[] {
    return bodies.map((body) => {
      const message: HeldMessage = {
        messageId: randomUUID(),
        body,
        sentAt: Date.now(),
        receiveCount: 0,
        attributes,
      };
      this.messages.set(message.messageId, message);
      this.keep(message);
      return message.messageId;
    });
  }

  /** Up to `max` visible messages, oldest first, hidden for `visibilityMs` under a new receipt handle. */
  receive(max: number, visibilityMs: number): ReceivedMessage[] {
    const now = Date.now();
    const visible = [...this.messages.values()]
      .filter((message) => (this.hidden.get(message.messageId)?.visibleAt ?? 0) <= now)
      .sort((a, b) => a.sentAt - b.sentAt)
      .slice(0, max);
    return visible.map((message) => {
      message.receiveCount += 1;
      this.keep(message);
      const receiptHandle = Buffer.from(`${message.messageId}:${randomUUID()}`).toString('base64url');
      this.hidden.set(message.messageId, { receiptHandle, visibleAt: now + visibilityMs });
      return { ...message, receiptHandle };
    });
  }

  /** Shows a received message again after `visibilityMs` (0: now). */
  changeVisibility(receiptHandle: string, visibilityMs: number): ReceiptProblem | undefined {
    const found = this.byReceipt(receiptHandle);
    if (typeof found === 'string') return found;
    const hidden = this.hidden.get(found.messageId);
    if (!hidden || hidden.visibleAt <= Date.now()) return 'MessageNotInflight';
    hidden.visibleAt = Date.now() + visibilityMs;
    return undefined;
  }

  /** Deletes a received message. */
  delete(receiptHandle: string): ReceiptProblem | undefined {
    const found = this.byReceipt(receiptHandle);
    if (typeof found === 'string') return found;
    this.messages.delete(found.messageId);
    this.hidden.delete(found.messageId);
    if (this.store) unlinkSync(join(this.store, `${found.messageId}.json`));
    return undefined;
  }

  /** Messages waiting, and received but neither deleted nor visible again. */
  get depth(): { waiting: number; inFlight: number } {
    const now = Date.now();
    const inFlight = [...this.messages.keys()].filter(
      (id) => (this.hidden.get(id)?.visibleAt ?? 0) > now,
    ).length;
    return { waiting: this.messages.size - inFlight, inFlight };
  }

  private byReceipt(receiptHandle: string): HeldMessage | ReceiptProblem {
    const messageId = Buffer.from(receiptHandle, 'base64url').toString('utf8').split(':')[0] ?? '';
    const message = this.messages.get(messageId);
    const hidden = this.hidden.get(messageId);
    if (!message || hidden?.receiptHandle !== receiptHandle) return 'ReceiptHandleIsInvalid';
    return message;
  }

  private keep(message: HeldMessage): void {
    if (this.store) writePrivateFile(join(this.store, `${message.messageId}.json`), JSON.stringify(message));
  }
}
