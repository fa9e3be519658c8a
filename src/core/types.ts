import type { EndpointResponse, SchemaStatus, SignatureStatus } from '../shared/model';

/** One request exactly as the receiver got it: raw bytes and the raw header list. */
export interface IncomingDelivery {
  receivedAt: number;
  method: string;
  /** The path as sent, still percent-encoded, without the query string. */
  path: string;
  /** The query string without the leading `?` ('' when none). */
  query: string;
  /** Header pairs in received order, duplicates kept, names as sent. */
  headers: [string, string][];
  body: Buffer;
  /** The client address: the socket peer, or the forwarded client when that is trusted. */
  sourceIp: string | null;
  viaTunnel: boolean;
  /** The public URL the request arrived on when it came through the tunnel, else null. */
  publicUrl: string | null;
}

/** A stored delivery's request, as forwarding and replay read it back. */
export interface StoredRequest extends Pick<
  IncomingDelivery,
  'method' | 'path' | 'query' | 'headers' | 'body' | 'sourceIp' | 'publicUrl'
> {
  /** The Host header the sender used, or null. */
  host: string | null;
  endpointId: string;
}

/** What the checks found: filled by the signature, idempotency and schema steps. */
export interface Inspection {
  signature: { status: SignatureStatus; provider: string | null; reason: string };
  idempotency: { key: string | null; source: string | null };
  schema: { status: SchemaStatus; name?: string; issues?: string[] };
  eventType: string | null;
  jobId: string | null;
}

/** A delivery ready to be committed to the log (what it was answered and where it goes aside). */
export interface NewEvent extends IncomingDelivery, Inspection {
  id: string;
  endpointId: string;
  contentType: string | null;
  /** Brought in from a file (HAR/NDJSON), not received. */
  imported?: boolean;
  /** When it entered this log, when that is not `receivedAt` (imports); retention ages from it. */
  storedAt?: number;
  /** The receiver refused it (limits): why. Such events have no body and are not forwarded. */
  rejected?: string;
  /**
   * Its endpoint has a secret but its signature did not verify (unsigned on an `auto` endpoint,
   * say): it is classified as nobody's duplicate and is never the first of its key.
   */
  unverified?: boolean;
}

/** Whether a delivery repeats an earlier one with its idempotency key, as the log decides it. */
export interface Classification {
  /** The first delivery with the key (null: this is the first, or it has no key). */
  duplicateOf: string | null;
  /** Deliveries with the key so far, this one included. */
  deliveryCount: number;
}

/** What a delivery was answered and where it is forwarded. */
export interface Disposition {
  responseStatus: number;
  /** The headers and body it was answered with (refusals: none); `responseStatus` is the status. */
  response?: Pick<EndpointResponse, 'headers' | 'body' | 'delayMs'> | null;
  forwardStatus: 'none' | 'pending' | 'dead';
  /** Where to forward it (endpoint target + path suffix + query), or null. */
  forwardTarget: string | null;
  /**
   * Why the forward was refused before sending (its path would leave the target's path); the
   * job is then dead-lettered at once and `forwardTarget` is the endpoint's target as set.
   */
  forwardRefused?: string | undefined;
}

/**
 * A disposition, or how to reach one from the classification the log makes while it appends
 * (the answer and the forward of a duplicate may differ: `duplicateResponse`,
 * `forwardDuplicates`). Runs inside the append, once; must not throw.
 */
export type Dispose = Disposition | ((c: Classification) => Disposition);

/** Injectable clock (tests freeze it). */
export type Clock = () => number;
