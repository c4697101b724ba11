import { describe, expect, it } from 'vitest';
import { hashForLog, logSafeError } from '../../functions/shared/logger';
import { leaksIn } from '../support/log-scan';

describe('the log scanner of the test run', () => {
  it('finds email and IP addresses wherever they are in a line', () => {
    const leaking = [
      '{"level":"INFO","message":"subscribe request","address":"reader@example.org"}',
      'subscribe from Reader.Name+tag@mail.example.co.uk failed',
      '{"client":"198.51.100.7"}',
      'peer 2001:db8:1:2::5 refused',
      'peer 2001:0db8:0000:0000:0000:ff00:0042:8329',
      'mapped ::ffff:203.0.113.9',
      'to=<victim@example.net>',
    ];
    expect(leaksIn(leaking).map((leak) => leak.found)).toEqual([
      ['reader@example.org'],
      ['Reader.Name+tag@mail.example.co.uk'],
      ['198.51.100.7'],
      ['2001:db8:1:2::5'],
      ['2001:0db8:0000:0000:0000:ff00:0042:8329'],
      ['203.0.113.9'],
      ['victim@example.net'],
    ]);
  });

  it('lets through loopback endpoints, hashes, times, versions and nashra’s own addresses', () => {
    const clean = [
      '{"level":"INFO","message":"subscribe request","address":"3f2a9c0d1e4b5a69"}',
      '{"timestamp":"2026-11-29T12:36:02.996Z","feed":"http://127.0.0.1:35479/atom"}',
      'listening on http://[::1]:8787 and http://localhost:8788',
      'SES at 0.0.0.0:8789',
      'node v20.19.0, mjml 5.4.1',
      'from ICSSI <bulletin@nashra.example>, List-Unsubscribe mailto:unsubscribe@nashra.example',
      'sequence 12:30:45 and a:b:c',
      'article https://www.iraqicivilsociety.example/?p=7101',
    ];
    expect(leaksIn(clean)).toEqual([]);
  });
});

describe('logSafeError', () => {
  it('hashes every address a foreign error message names, keeping the rest readable', () => {
    const rejected = new Error(
      'Email address is not verified. The following identities failed the check in region EU-WEST-1: Reader@Example.org, from 198.51.100.4',
    );
    rejected.name = 'MessageRejected';
    const safe = logSafeError(rejected);
    expect(safe.name).toBe('MessageRejected');
    expect(safe.message).toBe(
      `Email address is not verified. The following identities failed the check in region EU-WEST-1: [${hashForLog('reader@example.org')}], from [${hashForLog('198.51.100.4')}]`,
    );
    expect(leaksIn([JSON.stringify(safe)])).toEqual([]);
    expect(logSafeError('plain text to a@b.example').message).not.toContain('a@b.example');
  });
});
