import type { EventLog } from '../../src/core/store/ports';
import type { Disposition, NewEvent } from '../../src/core/types';
import type { EventSummary } from '../../src/shared/model';

/** An event as a test writes it: the delivery and, optionally, how it was answered and forwarded. */
export type TestEvent = NewEvent & Partial<Disposition>;

/**
 * Appends `e` as the receiver would: with its own disposition fields, else answered 200 and
 * not forwarded; the log classifies duplicates itself.
 */
export function appendTo(log: Pick<EventLog, 'append'>, e: TestEvent): Promise<EventSummary> {
  const {
    responseStatus = 200,
    response,
    forwardStatus = 'none',
    forwardTarget = null,
    forwardRefused,
    ...event
  } = e;
  return log.append(event, {
    responseStatus,
    response,
    forwardStatus,
    forwardTarget,
    forwardRefused,
  });
}
