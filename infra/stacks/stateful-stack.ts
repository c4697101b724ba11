import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  allTableNames,
  type KeyAttribute,
  type TableName,
  tableDefinitions,
  tableNamesFor,
} from '../../functions/shared/tables';

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export interface StatefulStackProps extends StackProps {
  tablePrefix: string;
}

/**
 * What holds data and must outlive any deploy: the tables, built from the same definitions local mode
 * creates, each with point-in-time recovery, deletion protection, RETAIN and encryption.
 */
export class StatefulStack extends Stack {
  readonly tables: Record<TableName, TableV2>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const names = tableNamesFor(props.tablePrefix);
    this.tables = Object.fromEntries(
      allTableNames.map((name) => {
        const definition = tableDefinitions[name];
        const table = new TableV2(this, `${name}-table`, {
          tableName: names[name],
          partitionKey: attribute(definition.partitionKey),
          ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
          billing: Billing.onDemand(),
          globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            indexName: index.indexName,
            partitionKey: attribute(index.partitionKey),
            ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          })),
          ...(definition.stream ? { dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
          ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          encryption: TableEncryptionV2.awsManagedKey(),
        });
        return [name, table];
      }),
    ) as Record<TableName, TableV2>;
  }
}
