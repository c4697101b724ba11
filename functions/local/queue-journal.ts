import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../shared/private-files';

type Entry<M> = { put: M } | { drop: string };

/**
 * The messages of one local queue, kept on disk until they are handled, as an append-only journal
 * (`journal.jsonl`, one JSON line per change): a batch of messages put is one append, a batch handled
 * one more, so keeping the queue costs a write per batch rather than a file per message. A process
 * that dies leaves the journal; the next one to open the queue replays it (`recover`). A line cut
 * short by a kill is skipped: its write was never acknowledged, so at worst a handled message comes
 * back, which the delivery records make safe. Cleared whenever the queue runs empty. The file stays
 * open for appending between changes (opening it for each one cost two more system calls a batch)
 * until `close`.
 */
export class QueueJournal<M extends { messageId: string; sentAt: number }> {
  private readonly file: string;
  private written = false;
  private fd: number | undefined;

  constructor(private readonly folder: string) {
    makePrivateDir(folder);
    this.file = join(folder, 'journal.jsonl');
  }

  /**
   * The messages put and not dropped, oldest first: what a process that stopped left behind (also a
   * file per message, as queues were once kept). The journal is rewritten to hold just these.
   */
  recover(): M[] {
    const live = new Map<string, M>();
    const legacy = readdirSync(this.folder).filter((file) => file.endsWith('.json'));
    for (const file of legacy) {
      const message = JSON.parse(readFileSync(join(this.folder, file), 'utf8')) as M;
      live.set(message.messageId, message);
    }
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        const entry = parsed<Entry<M>>(line);
        if (entry && 'put' in entry) live.set(entry.put.messageId, entry.put);
        else if (entry && 'drop' in entry) live.delete(entry.drop);
      }
    }
    const messages = [...live.values()].sort((a, b) => a.sentAt - b.sentAt);
    this.close();
    const compacted = `${this.file}.new`;
    writePrivateFile(compacted, lines(messages.map((put) => ({ put }))));
    renameSync(compacted, this.file);
    for (const file of legacy) unlinkSync(join(this.folder, file));
    this.written = messages.length > 0;
    return messages;
  }

  /** Keeps these messages (new, or changed: a failed one's next visibility). */
  put(messages: readonly M[]): void {
    this.append(messages.map((put) => ({ put })));
  }

  /** Forgets these messages: handled, or dead-lettered. */
  drop(messageIds: readonly string[]): void {
    this.append(messageIds.map((drop) => ({ drop })));
  }

  /** The queue holds nothing: the journal starts again empty. */
  clear(): void {
    if (!this.written) return;
    if (this.fd === undefined) writePrivateFile(this.file, '');
    else ftruncateSync(this.fd, 0);
    this.written = false;
  }

  /** Closes the file; a later change opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(entries: Entry<M>[]): void {
    if (entries.length === 0) return;
    // O_APPEND: every write lands at the end, whatever the file's length (clear truncates it).
    this.fd ??= openSync(this.file, 'a', 0o600);
    const data = Buffer.from(lines(entries), 'utf8');
    for (let offset = 0; offset < data.length; ) offset += writeSync(this.fd, data, offset);
    this.written = true;
  }
}

const lines = (entries: readonly unknown[]) => entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');

function parsed<T>(line: string): T | undefined {
  if (line.length === 0) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined;
  }
}
