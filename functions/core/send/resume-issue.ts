import { NotFoundError, ValidationError } from '../errors';
import type { Clock, DeliveryRepo, IssueRepo, SendQueue } from '../ports';

/**
 * Resumes a parked issue: every job the daily quota held back is queued again, and the issue is
 * sending once more. Returns how many jobs were re-queued.
 */
export async function resumeIssue(
  issueId: string,
  deps: { issues: IssueRepo; deliveries: DeliveryRepo; queue: SendQueue; clock: Clock },
): Promise<number> {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`no issue "${issueId}"`);
  if (issue.status !== 'parked') throw new ValidationError(`issue ${issueId} is ${issue.status}, not parked`);
  await deps.issues.setStatus(issueId, 'sending', deps.clock.now().toISOString(), ['parked']);
  const jobs = await deps.deliveries.listParked(issueId);
  await deps.queue.enqueue(jobs);
  return jobs.length;
}
