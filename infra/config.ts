import type { Node } from 'constructs';
import { z } from 'zod';

/** Deployment settings, from `cdk.json` context or `-c key=value`, validated at synth. */
const settingsSchema = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, 'lower-case letters, digits and dashes'),
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
});
export type DeploySettings = z.infer<typeof settingsSchema>;

export function readSettings(node: Node): DeploySettings {
  const raw = Object.fromEntries(
    Object.keys(settingsSchema.shape).map((key) => [key, node.tryGetContext(key)]),
  );
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `context "${issue.path.join('.')}": ${issue.message}`,
    );
    throw new Error(`invalid deployment settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The table-name prefix of a stage: the same one the functions read as NASHRA_TABLE_PREFIX. */
export const tablePrefixFor = (stage: string) => `nashra-${stage}-`;
