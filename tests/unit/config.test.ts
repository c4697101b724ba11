import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/shared/config';

const home = () => mkdtempSync(join(tmpdir(), 'nashra-config-'));

describe('loadConfig', () => {
  it('gives local mode working defaults and derives the table names from the prefix', () => {
    const config = loadConfig({ NASHRA_HOME: home() });
    expect(config.mode).toBe('local');
    expect(config.tables.articles).toBe('nashra-local-articles');
    expect(config.timeZone).toBe('Asia/Baghdad');
    expect(config.baseUrl).toBe('http://127.0.0.1:8787');
    expect(config.endpoints).toEqual({ dynamodb: undefined, ses: undefined });
  });

  it('takes the endpoints from the AWS SDK variables', () => {
    const config = loadConfig({ NASHRA_HOME: home(), AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:9' });
    expect(config.endpoints.ses).toBe('http://127.0.0.1:9');
  });

  it('creates the local signing key once and keeps it', () => {
    const dir = home();
    const first = loadConfig({ NASHRA_HOME: dir }).linkSigningKey;
    expect(readFileSync(join(dir, 'link-signing.key'), 'utf8')).toBe(first);
    expect(loadConfig({ NASHRA_HOME: dir }).linkSigningKey).toBe(first);
  });

  it('fails fast naming each bad or missing setting', () => {
    expect(() => loadConfig({ NASHRA_SEND_RATE: 'fast' })).toThrow(/NASHRA_SEND_RATE/);
    expect(() => loadConfig({ AWS_ENDPOINT_URL_DYNAMODB: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ NASHRA_MODE: 'aws' })).toThrow(/NASHRA_BASE_URL.*NASHRA_SEND_QUEUE_URL/);
  });

  it('takes a From setting with a display name in any script, and refuses one SES cannot send from', () => {
    const from = (value: string) => loadConfig({ NASHRA_HOME: home(), NASHRA_FROM_ADDRESS: value }).mail.from;
    expect(from('ICSSI نشرة <bulletin@news.example.org>')).toBe('ICSSI نشرة <bulletin@news.example.org>');
    expect(from('bulletin@news.example.org')).toBe('bulletin@news.example.org');
    for (const bad of ['نشرة <نشرة@news.example.org>', 'a@x.org, b@x.org', 'ICSSI bulletin'])
      expect(() => from(bad), bad).toThrow(/NASHRA_FROM_ADDRESS: one address/);
  });

  it('writes no local secret on AWS', () => {
    const dir = home();
    loadConfig({
      NASHRA_MODE: 'aws',
      NASHRA_HOME: dir,
      NASHRA_BASE_URL: 'https://n.example',
      NASHRA_LINK_SIGNING_KEY: 'k'.repeat(32),
      NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/nashra-send',
    });
    expect(existsSync(join(dir, 'ingest.key'))).toBe(false);
  });

  it('runs local mode on dynalite unless NASHRA_DYNAMODB_ENGINE names DynamoDB Local', () => {
    expect(loadConfig({ NASHRA_HOME: home() }).dynamodbEngine).toBe('dynalite');
    expect(loadConfig({ NASHRA_HOME: home(), NASHRA_DYNAMODB_ENGINE: 'dynamodb-local' }).dynamodbEngine).toBe(
      'dynamodb-local',
    );
    expect(() => loadConfig({ NASHRA_DYNAMODB_ENGINE: 'localstack' })).toThrow(
      /NASHRA_DYNAMODB_ENGINE.*dynalite.*dynamodb-local/,
    );
  });
});
