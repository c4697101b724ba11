import { Stack, Validations } from 'aws-cdk-lib';
import { type IRole, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { stackNamesOf } from '../../functions/shared/stage-outputs';
import type { TableName } from '../../functions/shared/tables';
import type { StatefulStack } from '../stacks/stateful-stack';
import { staffPermissions } from '../staff-access';

export interface StaffPolicyProps {
  stage: string;
  stateful: StatefulStack;
  schedulerRole: IRole;
  /** The address mail is sent from: a staff command may send as that address only. */
  senderAddress: string;
}

/**
 * `nashra-<stage>-staff`: the managed policy an operator attaches to the roles or users of the staff
 * who run `nashra … --stage <stage>`. It grants what the staff commands call (infra/staff-access.ts)
 * on this stage's resources, and nothing else.
 */
export class StaffPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: StaffPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stateful } = props;
    const queues: Record<string, string> = {
      send: stateful.sendQueue.queueArn,
      'send-dlq': stateful.sendDeadLetters.queueArn,
      'schedule-dlq': stateful.scheduleDeadLetters.queueArn,
      'stream-dlq': stateful.streamDeadLetters.queueArn,
      'feedback-dlq': stateful.feedbackDeadLetters.queueArn,
    };
    const group = stateful.scheduleGroup.scheduleGroupName;
    const arnOf = (resource: string): string => {
      const [kind = '', name = ''] = resource.split(':');
      switch (kind) {
        case 'table': {
          const [table, , index] = name.split('/');
          const arn = stateful.tables[table as TableName].tableArn;
          return index ? `${arn}/index/${index}` : arn;
        }
        case 'queue':
          return queues[name] ?? unknown(resource);
        case 'stack':
          return stack.formatArn({
            service: 'cloudformation',
            resource: 'stack',
            resourceName: `${stackNamesOf(props.stage)[name as 'stateful' | 'stateless']}/*`,
          });
        case 'secret':
          return stateful.linkSigningKey.secretArn;
        case 'schedule':
          return stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group}/*` });
        case 'schedule-group':
          return stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: group });
        case 'scheduler-role':
          return props.schedulerRole.roleArn;
        case 'identity':
          return stateful.identity.emailIdentityArn;
        // ListSchedules and SES's GetAccount have no resource-level permissions: the API reference's
        // resource column is empty for both, so IAM takes only "*" there.
        case 'schedules':
        case 'account':
          return '*';
      }
      return unknown(resource);
    };

    const byAction = new Map<string, Set<string>>();
    for (const { action, resource } of staffPermissions()) {
      const arns = byAction.get(action) ?? new Set<string>();
      arns.add(arnOf(resource));
      byAction.set(action, arns);
    }
    const statements = [...byAction].map(([action, arns]) => {
      const statement = new PolicyStatement({ actions: [action], resources: [...arns] });
      if (action === 'ses:SendRawEmail') {
        statement.addResources(
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: stateful.configurationSet.configurationSetName,
          }),
        );
        statement.addCondition('StringEquals', { 'ses:FromAddress': props.senderAddress });
      }
      if (action === 'iam:PassRole')
        statement.addCondition('StringEquals', { 'iam:PassedToService': 'scheduler.amazonaws.com' });
      return statement;
    });
    this.policy = new ManagedPolicy(this, 'policy', {
      managedPolicyName: `nashra-${props.stage}-staff`,
      description: `Staff of nashra stage ${props.stage}: what the nashra commands call with --stage ${props.stage}`,
      statements,
    });
    const reason =
      'Staff manage every digest schedule of this stage and read both of its stacks: the schedule and stack ' +
      'ARNs end in a wildcard under the stage’s own group and stack names (stack ids end in a generated ' +
      'suffix); ListSchedules and ses:GetAccount take no resource ARN at all.';
    const wildcards = [...new Set([...byAction.values()].flatMap((arns) => [...arns]))].filter((arn) =>
      /\*$/.test(String(stack.resolve(arn))),
    );
    for (const arn of wildcards)
      Validations.of(this.policy).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${stack.resolve(arn)}]`,
        reason,
      });
  }
}

function unknown(resource: string): never {
  throw new Error(`infra/staff-access.ts names a resource the staff policy cannot map: ${resource}`);
}
