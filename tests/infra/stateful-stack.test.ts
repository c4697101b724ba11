import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDefinitions } from '../../functions/shared/tables';
import { buildNashra } from '../../infra/nashra';

const context = { stage: 'test', account: '111111111111', region: 'eu-west-1' };

describe('the stateful stack', () => {
  const app = new App({ context, builtinCloudFormationValidation: false } as never);
  const { stateful } = buildNashra(app);
  const template = Template.fromStack(stateful);

  it('creates every shared table definition with its keys, indexes and stream', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(tableDefinitions).length);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-articles',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byLangPublished' })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-deliveries',
      KeySchema: [
        { AttributeName: 'issueId', KeyType: 'HASH' },
        { AttributeName: 'subscriberId', KeyType: 'RANGE' },
      ],
    });
  });

  it('protects every table: point-in-time recovery, deletion protection, retained, encrypted', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      for (const replica of table.Properties.Replicas) {
        expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled).toBe(true);
      }
    }
  });

  it('refuses bad settings with the name of the setting', () => {
    expect(() => buildNashra(new App({ context: { ...context, account: 'abc' } }))).toThrow(
      /context "account"/,
    );
  });
});
