import type { FeatureHandlers } from '../shared/dispatch';
import { resignAbility } from './forward/forward-handlers';
import { createDiffHandlers } from './diff/diff-handlers';
import type { endpointsCommands } from '../shared/endpoints-contract';
import type { eventsCommands } from '../shared/events-contract';
import type { settingsCommands } from '../shared/settings-contract';
import type { statusCommands } from '../shared/status-contract';
import type { tunnelCommands } from '../shared/tunnel-contract';
import { FIRST_BODY_BYTES, type Notice, type ReceiverHealth } from '../shared/model';
import { toWireAttempt } from './forward/wire';
import type { SchemaChecker } from './schemas/schema-checker';
import { HookscopeError } from '../shared/errors';
import { decodeBody } from './decode-body';
import { secretWarnings } from './signatures/registry';
import type { LiveBus } from './live-bus';
import type { EndpointRepo, EventLog, ForwardQueue, SettingsRepo } from './store/ports';
import type { TunnelManager } from './tunnel/tunnel-manager';
import type { TunnelSettingsStore } from './tunnel/tunnel-settings';
import { VERSION } from './version';

/** The command handlers over the engine's parts; inputs arrive parsed by `dispatch`. */
export function createHandlers(deps: {
  events: EventLog;
  endpoints: EndpointRepo;
  settings: SettingsRepo;
  bus: LiveBus;
  receiverUrl: () => string;
  tunnels: TunnelManager;
  tunnelSettings: TunnelSettingsStore;
  forwards: ForwardQueue;
  schemas: SchemaChecker;
  onSettingsSaved: () => void;
  health: () => ReceiverHealth;
  notices: () => Notice[];
  heldForForwarding: () => number;
  /** Called after a change of the dead-letter list was committed (redrive, purge, deletes). */
  deadLettersMaybeChanged: () => Promise<void>;
}): FeatureHandlers<
  typeof statusCommands &
    typeof endpointsCommands &
    typeof eventsCommands &
    typeof settingsCommands &
    typeof tunnelCommands
> {
  const { events, endpoints, settings, bus } = deps;
  return {
    ...createDiffHandlers(events),
    getStatus: async () => ({
      receiverUrl: deps.receiverUrl(),
      version: VERSION,
      events: await events.count(),
      heldForForwarding: deps.heldForForwarding(),
      tunnel: deps.tunnels.state,
      health: deps.health(),
      notices: deps.notices(),
      deadLetters: await deps.forwards.deadCount(),
    }),
    saveEndpoint: async (input) => {
      // Compiled in a worker of its own under a deadline: a schema too large or too slow to
      // compile is refused with why, and never holds up deliveries. What would refuse the
      // save anyway (a path in use, an old version) is said first, without the compile.
      if (input.jsonSchema !== undefined && input.jsonSchema !== null) {
        endpoints.precheck(input);
        const c = await deps.schemas.validate(input.jsonSchema);
        if (!c.ok) {
          throw new HookscopeError('bad_input', `the JSON Schema cannot be used: ${c.error}`, [
            { path: ['jsonSchema'], message: c.error },
          ]);
        }
      }
      const saved = await endpoints.save(input);
      if (saved.jsonSchema !== null) deps.schemas.warm(saved.jsonSchema);
      return { ...saved, warnings: secretWarnings(saved.provider, endpoints.secretsOf(saved.id)) };
    },
    listEndpoints: () => ({ items: endpoints.list() }),
    deleteEndpoint: async ({ id }) => {
      if (!endpoints.get(id)) throw new HookscopeError('not_found', `no endpoint "${id}"`);
      return { deleted: await endpoints.delete(id) };
    },
    listChanges: async ({ afterRev, limit = 500 }) => {
      // The cursor first: a change committed while the page is read has a rev above it and
      // comes again on the next ask, never lost between the page and the cursor.
      const rev = await events.currentRev();
      const items = await events.changesSince(afterRev, limit + 1);
      return { rev, items: items.slice(0, limit), hasMore: items.length > limit };
    },
    countEvents: ({ endpointId }) => events.counts(endpointId),
    listEvents: (input) =>
      events.list({
        limit: input.limit ?? 100,
        beforeSeq: input.beforeSeq,
        afterSeq: input.afterSeq,
        order: input.order,
        endpointId: input.endpointId,
        query: input.query,
        jobId: input.jobId,
        eventType: input.eventType,
        method: input.method,
        signatureStatus: input.signatureStatus,
        duplicatesOnly: input.duplicatesOnly,
        refusedOnly: input.refusedOnly,
        forwardStatus: input.forwardStatus,
        withTotal: input.withTotal,
      }),
    decodeBody: async ({ id }) => {
      const e = await events.get(id);
      if (!e) throw new HookscopeError('not_found', `no event "${id}"`);
      return decodeBody(e.headers, Buffer.from(e.body.base64, 'base64'));
    },
    getEvent: async ({ id }) => {
      const e = await events.view(id, FIRST_BODY_BYTES);
      if (!e) throw new HookscopeError('not_found', `no event "${id}"`);
      const deadLetterId = await deps.forwards.deadJobOf(id);
      const deadLetterResign =
        deadLetterId !== undefined ? await resignAbility(deps, id, Date.now()) : undefined;
      return {
        ...e,
        forwards: (await deps.forwards.attemptsFor(id)).map((a) =>
          toWireAttempt(a, (u) => deps.events.maskUrl(u)),
        ),
        ...(deadLetterId !== undefined ? { deadLetterId } : {}),
        ...(deadLetterResign ? { deadLetterResign } : {}),
      };
    },
    getEventBody: async ({ id, offset, length }) => {
      const part = await events.bodyPart(id, offset, length);
      if (!part) throw new HookscopeError('not_found', `no event "${id}"`);
      return part;
    },
    deleteEvents: async (input) => {
      if (input.all) {
        const deleted = await events.deleteAll();
        bus.forget('all');
        bus.emit('events.deleted', { ids: [], all: true });
        await deps.deadLettersMaybeChanged();
        return { deleted };
      }
      const ids = await events.deleteIds(input.ids ?? []);
      if (ids.length > 0) {
        bus.forget(ids);
        bus.emit('events.deleted', { ids, all: false });
        await deps.deadLettersMaybeChanged();
      }
      return { deleted: ids.length };
    },
    getSettings: () => settings.view(),
    saveSettings: async ({ rev, ...patch }) => {
      const saved = await settings.save(patch, rev);
      deps.onSettingsSaved();
      bus.emit('settings.changed', saved);
      return saved;
    },
    startTunnel: ({ options }) => deps.tunnels.start(options),
    stopTunnel: () => deps.tunnels.stop(),
    getTunnelSettings: () => deps.tunnelSettings.view(),
    saveTunnelSettings: async (input) => {
      const saved = await deps.tunnelSettings.save(input);
      bus.emit('tunnelSettings.changed', saved);
      return saved;
    },
  };
}
