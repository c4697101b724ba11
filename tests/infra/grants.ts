import type { Template } from 'aws-cdk-lib/assertions';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** A resource of a policy statement, by what it is rather than its logical id. */
function resourceName(resource: unknown): string {
  const text = JSON.stringify(resource);
  const index = /\/index\/(\w+)/.exec(text)?.[1];
  const table = /(?:GetAtt|")([a-z][A-Za-z]*?)table[0-9A-F]{8}/.exec(text)?.[1];
  if (table && text.includes('StreamArn')) return `${table} stream`;
  if (table) return index ? `${table}/${index}` : table;
  if (text.includes('linksigningkey')) return 'link-signing key';
  if (/sendqueue[0-9A-F]{8}/.test(text)) return 'send queue';
  const dlq = /(?:GetAtt|")([a-z]+?)dlq[0-9A-F]{8}/.exec(text)?.[1];
  if (dlq) return `${dlq} DLQ`;
  if (text.includes(':configuration-set/')) return 'SES configuration set';
  if (text.includes(':identity/')) return 'SES identity';
  if (/logs[0-9A-F]{8}/.test(text)) return 'own log group';
  if (/schedulerrole[0-9A-F]{8}/.test(text)) return 'scheduler role';
  return text;
}

/**
 * Every `action on resource` a function's role allows, sorted: the statements CDK merged split back
 * into one line per action and resource, so a test can hold a function to its exact list.
 */
export function allowedActions(template: Template, functionName: string): string[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: functionName },
  });
  const fn = Object.values(functions)[0];
  if (!fn) throw new Error(`no function ${functionName}`);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
  const lines = statements.flatMap((statement) =>
    [statement.Action]
      .flat()
      .flatMap((action) =>
        [statement.Resource].flat().map((resource) => `${action} on ${resourceName(resource)}`),
      ),
  );
  return [...new Set(lines)].sort();
}
