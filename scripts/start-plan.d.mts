/** Types of scripts/start-plan.mjs for the tests. */
export function displayProblem(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
): string | null;
export function fallbackMessage(reason: string): string;
export interface StartFacts {
  root: string;
  display: string | null;
  electron: string | null;
  electronVersion: string;
  binding: string | null;
  platform: NodeJS.Platform;
  isRoot: boolean;
  nodePath: string;
  env: Record<string, string | undefined>;
  args: string[];
}
export interface StartPlan {
  kind: 'electron' | 'serve';
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  reason?: string;
  note?: string;
}
export function planStart(f: StartFacts): StartPlan;
