import type { FeatureHandlers } from '../shared/dispatch';
import { HookscopeError } from '../shared/errors';
import type { workspacesCommands } from '../shared/workspaces-contract';

/**
 * An engine has no workspaces: the desktop app's main process answers these commands itself
 * (src/main/workspaces.ts) before they reach an engine. `hookscope serve` and the CLI answer
 * them with this.
 */
export function createWorkspaceHandlers(): FeatureHandlers<typeof workspacesCommands> {
  const refuse = (): never => {
    throw new HookscopeError(
      'not_implemented',
      'Workspaces are only in the Hookscope desktop app: this is a Hookscope server, which shows its own log only.',
    );
  };
  return {
    listWorkspaces: refuse,
    addWorkspace: refuse,
    removeWorkspace: refuse,
    switchWorkspace: refuse,
  };
}
