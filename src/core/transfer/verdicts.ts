import { z } from 'zod';
import { EventDetail } from '../../shared/model';

/** What an export says was found about an event, kept on import. */
export type ExportedVerdicts = Pick<EventDetail, 'signature' | 'schema' | 'eventType' | 'jobId'> & {
  idempotency: { key: string | null; source: string | null };
};

const Verdicts = z.object({
  signature: EventDetail.shape.signature,
  schema: EventDetail.shape.schema,
  eventType: z.string().max(200).nullable(),
  jobId: z.string().max(200).nullable().optional(),
  idempotency: z.object({ key: z.string().nullable(), source: z.string().nullable() }),
});

/** The verdicts an exported event carries, or null when it carries none that can be read. */
export function exportedVerdicts(v: unknown): ExportedVerdicts | null {
  const r = Verdicts.safeParse(v);
  if (!r.success) return null;
  const { signature, schema, eventType, jobId, idempotency } = r.data;
  return { signature, schema, eventType, jobId: jobId ?? null, idempotency };
}

/** An exported event id kept as the imported event's id: Hookscope's own form only. */
export const exportedId = (v: unknown): string | null =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v)
    ? v
    : null;
