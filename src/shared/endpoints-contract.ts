import { z } from 'zod';
import {
  Endpoint,
  EndpointPath,
  EndpointResponse,
  GenericHmacConfig,
  ProviderId,
  BasedOnRev,
  SimulatedFailures,
} from './model';
import { Id } from './contract-parts';

/** Endpoints: the paths deliveries arrive on, with their provider, secrets, forward target and answers. Part of the one contract (contract.ts). */
export const endpointsCommands = {
  saveEndpoint: {
    access: 'write',
    input: z
      .object({
        id: Id.optional(),
        name: z.string().min(1).max(200),
        path: EndpointPath,
        provider: z.union([ProviderId, z.literal('auto')]).optional(),
        secrets: z.array(z.string().min(1).max(10_000)).max(10).optional(),
        toleranceSec: z.number().int().min(0).max(31_536_000).nullable().optional(),
        forwardTo: z
          .url({ protocol: /^https?$/ })
          .nullable()
          .optional(),
        response: EndpointResponse.optional(),
        hmac: GenericHmacConfig.nullable().optional(),
        invalidSignatureResponse: EndpointResponse.nullable().optional(),
        duplicateResponse: EndpointResponse.nullable().optional(),
        /** A JSON Schema (draft 2020-12, 2019-09, 07 or 06) the payloads must match. */
        jsonSchema: z
          .union([z.record(z.string(), z.unknown()), z.boolean()])
          .nullable()
          .optional(),
        forwardDuplicates: z.boolean().optional(),
        simulate: SimulatedFailures.nullable().optional(),
        /**
         * The endpoint's `rev` this edit was based on: when it changed since, nothing is saved
         * and the answer is a `conflict` saying what changed. Absent: the last writer wins.
         */
        rev: BasedOnRev.optional(),
      })
      .strict(),
    /** The saved endpoint, with warnings about it (e.g. a secret not of the provider's form). */
    output: Endpoint.extend({ warnings: z.array(z.string()) }),
  },
  listEndpoints: {
    access: 'read',
    input: z.object({}).strict(),
    output: z.object({ items: z.array(Endpoint) }),
  },
  deleteEndpoint: {
    access: 'write',
    input: z.object({ id: Id }).strict(),
    output: z.object({ deleted: z.boolean() }),
  },
} as const;
