import type { AuditTrail } from './audit.js';
import { FeatureUnavailableError, TokenNotFoundError } from './errors.js';
import { asUsageStore } from './features.js';
import type { ResolvedOptions } from './options.js';
import { parseInput, usageOptionsSchema, type UsageOptions } from './schemas.js';
import { fromStore } from './store-errors.js';
import { readUsageReport, type UsageReport } from './usage.js';

/**
 * What keyward keeps beside the tokens and reads back later: usage reports and the retention of
 * usage counts and audit entries. (Recording them is elsewhere: counts in UsageRecorder, entries
 * with each action through AuditTrail.) The caller has checked the actor; this checks the feature.
 * @example const report = await new TokenHistory(options, audit).usage('org_1', 'tok_1', { days: 7 });
 */
export class TokenHistory {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Counts per UTC day over the last `days`: of one token of the organization (which must exist
   * there), or summed over all of its tokens with `tokenId` null.
   * @throws FeatureUnavailableError (usage off), TokenNotFoundError
   */
  async usage(organizationId: string, tokenId: string | null, input: UsageOptions): Promise<UsageReport> {
    const { features, store, now } = this.options;
    if (!features.usage) throw new FeatureUnavailableError('usage');
    const { days } = parseInput(usageOptionsSchema, input);
    if (tokenId !== null && !(await fromStore(() => store.get(organizationId, tokenId)))) throw new TokenNotFoundError([tokenId]);
    return readUsageReport(asUsageStore(store), organizationId, tokenId, days, now());
  }

  /** Deletes audit entries and usage counts older than their retention; says how many of each. */
  async prune(): Promise<{ auditEntries: number; usageRows: number }> {
    const { features, store, usageRetentionDays, auditRetentionDays, now } = this.options;
    const auditEntries = await this.audit.prune(auditRetentionDays);
    const cutoff = new Date(Math.floor(now()) - usageRetentionDays * 86_400_000).toISOString().slice(0, 10);
    const usageRows = features.usage ? await fromStore(() => asUsageStore(store).pruneUsage(cutoff)) : 0;
    return { auditEntries, usageRows };
  }
}
